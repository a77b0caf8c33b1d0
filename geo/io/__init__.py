"""Reading and writing files: the atlas's own layers, a visitor's uploads, exports."""
