// A small .NET client of the same integration: exports customer invoices.
using System.Net.Http;
using System.Threading.Tasks;

namespace LegacyIntegration
{
    public sealed class VismaClient
    {
        private const string Root = "https://integration.visma.net/API";
        private readonly HttpClient _http;
        private readonly string _companyId;

        public VismaClient(HttpClient http, string companyId)
        {
            _http = http;
            _companyId = companyId;
        }

        public Task<string> CustomerInvoicesAsync(int page) =>
            SendAsync($"{Root}/controller/api/v1/customerinvoice?pageNumber={page}&pageSize=500");

        public Task<string> CustomerAsync(string number) => SendAsync(Root + "/controller/api/v1/customer/" + number);

        // Not part of the gateway move.
        public const string TokenUrl = "https://connect.visma.com/connect/token";

        private async Task<string> SendAsync(string url)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("ipp-company-id", _companyId);
            request.Headers.Add("ipp-application-type", "Visma.net Financials");
            using var response = await _http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStringAsync();
        }
    }
}
