"""The HTTP layer: middleware, errors, and (issue 5) the page shell."""
