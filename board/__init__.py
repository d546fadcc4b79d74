"""Domain of the 三务公开栏: everything that runs and is tested without a browser."""
