"""liveformer: Transformer inference for live-stream e-commerce.

    model = liveformer.Model("path/to/model.gguf")   # or a Hugging Face directory
    model.generate("Hello", max_new_tokens=32, temperature=0)
    for piece in model.stream("Hello"): print(piece, end="")
    model.create_chat_completion([{"role": "user", "content": "Hi"}])  # OpenAI-shaped

Errors from the library raise liveformer.Error (a RuntimeError); a missing or
unreadable model file raises liveformer.FileError (also a FileNotFoundError).
Both carry .status (a short name) and .code (the C API's lf_status). See
python/README.md.
"""
from ._core import API_VERSION, Error, FileError, Stream, __version__
from ._model import Model

Model.__module__ = __name__  # shown as liveformer.Model, where users import it from

__all__ = ["API_VERSION", "Error", "FileError", "Model", "Stream", "__version__"]
