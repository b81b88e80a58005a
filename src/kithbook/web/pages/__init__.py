"""Server-rendered pages; every one works without JavaScript."""
