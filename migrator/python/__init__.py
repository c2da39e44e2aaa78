"""Python source analysis: string literals, value resolution, URL joins."""
