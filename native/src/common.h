// Shared helpers for the keepalived-ts addon: errno errors and argument checks.
//
// Every failing syscall surfaces in JavaScript as an Error carrying
//   code    - the errno name ('EAGAIN', 'ENOBUFS', ...), stable across libcs,
//   errno   - the positive errno number (as in os.constants.errno),
//   syscall - the name of the call that failed ('sendmsg', 'setsockopt', ...).
// Bad arguments (wrong type, oversized sockaddr) throw a TypeError/RangeError
// before any syscall is made, so garbage from JavaScript never reaches the kernel.
#pragma once

#include <napi.h>
#include <cstddef>
#include <cstdint>

namespace kts {

// The errno name for err ("ENOBUFS"), or "EUNKNOWN" for numbers libc cannot name.
const char* ErrnoName(int err);

// Builds the Error described above; message reads "setsockopt ENOPROTOOPT (Protocol not available)".
Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall);

// Throws ErrnoError (a C++ exception that node-addon-api turns into a JS throw).
[[noreturn]] void ThrowErrno(Napi::Env env, int err, const char* syscall);

[[noreturn]] void ThrowType(Napi::Env env, const char* message);
[[noreturn]] void ThrowRange(Napi::Env env, const char* message);

// A file descriptor argument: an integer in [0, INT_MAX].
int ArgFd(const Napi::CallbackInfo& info, size_t index);

// An integer argument; when optional and absent/undefined, returns fallback.
int32_t ArgInt(const Napi::CallbackInfo& info, size_t index, const char* name);
int32_t ArgIntOr(const Napi::CallbackInfo& info, size_t index, const char* name, int32_t fallback);

// A view of a Uint8Array (Buffer included). The view stays valid only while the
// JS value is alive, i.e. for the duration of the call that received it.
struct Bytes {
  const uint8_t* data;
  size_t length;
};
Bytes ArgBytes(const Napi::CallbackInfo& info, size_t index, const char* name);

// True if the argument is absent, undefined or null.
bool ArgIsNullish(const Napi::CallbackInfo& info, size_t index);

}  // namespace kts
