"""Uses the installed libliveformer_c.so through ctypes, as an FFI user would
(no headers, no compiler): checks that it exports only the C API, then
loads a model, generates greedily and reads an error back.

    python3 ctypes_consumer.py LIBRARY MODEL PROMPT EXPECTED_TEXT
"""
import ctypes
import subprocess
import sys


def exported_functions(library):
    """Defined dynamic symbols of the library (nm -D --defined-only)."""
    out = subprocess.run(["nm", "-D", "--defined-only", library], check=True,
                         capture_output=True, text=True).stdout
    names = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TtWwiu":
            names.append(parts[2].split("@")[0])
    return names


class GenerateParams(ctypes.Structure):
    pass


class SamplingParams(ctypes.Structure):
    _fields_ = [("temperature", ctypes.c_float), ("top_k", ctypes.c_int32), ("top_p", ctypes.c_float),
                ("min_p", ctypes.c_float), ("repetition_penalty", ctypes.c_float),
                ("presence_penalty", ctypes.c_float), ("frequency_penalty", ctypes.c_float),
                ("penalty_last_n", ctypes.c_int32), ("seed", ctypes.c_uint64)]


TEXT_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p)
GenerateParams._fields_ = [("max_new_tokens", ctypes.c_int32), ("sampling", SamplingParams),
                           ("stop", ctypes.c_void_p), ("n_stop", ctypes.c_int32),
                           ("stop_at_eos", ctypes.c_int32), ("on_text", TEXT_CALLBACK),
                           ("user_data", ctypes.c_void_p)]


class GenerateResult(ctypes.Structure):
    _fields_ = [("text", ctypes.c_char_p), ("text_len", ctypes.c_size_t), ("n_prompt_tokens", ctypes.c_int32),
                ("n_reused_tokens", ctypes.c_int32), ("n_tokens", ctypes.c_int32), ("stop_reason", ctypes.c_int),
                ("prompt_seconds", ctypes.c_double), ("generate_seconds", ctypes.c_double)]


def main():
    library, model_path, prompt, expected = sys.argv[1:5]
    exported = exported_functions(library)
    foreign = [name for name in exported if not name.startswith("lf_")]
    assert not foreign, f"{library} exports more than the C API: {foreign[:10]}"
    assert "lf_generate" in exported and "lf_model_load" in exported, exported

    lib = ctypes.CDLL(library)
    lib.lf_version.restype = ctypes.c_char_p
    lib.lf_last_error.restype = ctypes.c_char_p
    lib.lf_model_load.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.lf_context_create.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.lf_generate_default_params.restype = GenerateParams
    lib.lf_generate.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(GenerateParams),
                                ctypes.POINTER(GenerateResult)]
    lib.lf_generate_result_free.argtypes = [ctypes.POINTER(GenerateResult)]
    lib.lf_context_free.argtypes = [ctypes.c_void_p]
    lib.lf_model_free.argtypes = [ctypes.c_void_p]

    model = ctypes.c_void_p()
    status = lib.lf_model_load(b"/nonexistent/model.gguf", None, ctypes.byref(model))
    assert status == 2 and not model.value, (status, model.value)  # LF_ERR_IO
    assert lib.lf_last_error(), "no message for a missing file"

    status = lib.lf_model_load(model_path.encode(), None, ctypes.byref(model))
    assert status == 0, lib.lf_last_error()
    ctx = ctypes.c_void_p()
    assert lib.lf_context_create(model, None, ctypes.byref(ctx)) == 0, lib.lf_last_error()
    params = lib.lf_generate_default_params()
    params.max_new_tokens = 16
    params.sampling.temperature = 0.0
    pieces = []

    @TEXT_CALLBACK
    def on_text(piece, length, _user):
        pieces.append(ctypes.string_at(piece, length))
        return 0

    params.on_text = on_text
    result = GenerateResult()
    assert lib.lf_generate(ctx, prompt.encode(), ctypes.byref(params), ctypes.byref(result)) == 0, lib.lf_last_error()
    text = ctypes.string_at(result.text, result.text_len).decode()
    streamed = b"".join(pieces).decode()
    lib.lf_generate_result_free(ctypes.byref(result))
    lib.lf_context_free(ctx)
    lib.lf_model_free(model)
    assert text == streamed, (text, streamed)
    assert text == expected, f"ctypes generated {text!r}, the C consumer {expected!r}"
    print(f"ctypes: liveformer {lib.lf_version().decode()}, {len(exported)} lf_* functions, text {text!r}")


if __name__ == "__main__":
    main()
