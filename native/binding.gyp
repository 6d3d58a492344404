# keepalived-ts native addon: the only C++ in the project. A thin, protocol-agnostic
# syscall layer (see src/addon.cc). Built from source by node-gyp during `npm ci`.
{
  "targets": [
    {
      "target_name": "keepalived_native",
      "sources": [
        "src/addon.cc",
        "src/errors.cc",
        "src/sockets.cc",
        "src/poller.cc",
        "src/signals.cc",
        "src/system.cc",
        "src/timerfd.cc",
        "src/header_constants.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "_GNU_SOURCE"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-fexceptions", "-Wall", "-Wextra"]
    }
  ]
}
