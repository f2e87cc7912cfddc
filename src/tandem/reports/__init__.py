"""Report building blocks: server-side SVG charts and maps, and PDF rendering without network access."""
