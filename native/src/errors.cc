// Errno errors and argument validation for the addon (see common.h).
#include "common.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <string>

namespace kts {

namespace {

// Used only where libc has no strerrorname_np (glibc < 2.32, musl): the errnos
// that socket, netlink and scheduling calls can actually return.
const char* FallbackErrnoName(int err) {
  switch (err) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case ENXIO: return "ENXIO";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOSPC: return "ENOSPC";
    case EPIPE: return "EPIPE";
    case ERANGE: return "ERANGE";
    case ENOSYS: return "ENOSYS";
    case ENOTSOCK: return "ENOTSOCK";
    case EDESTADDRREQ: return "EDESTADDRREQ";
    case EMSGSIZE: return "EMSGSIZE";
    case EPROTOTYPE: return "EPROTOTYPE";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case ENETDOWN: return "ENETDOWN";
    case ENETUNREACH: return "ENETUNREACH";
    case ECONNRESET: return "ECONNRESET";
    case ENOBUFS: return "ENOBUFS";
    case EISCONN: return "EISCONN";
    case ENOTCONN: return "ENOTCONN";
    case ETIMEDOUT: return "ETIMEDOUT";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case EALREADY: return "EALREADY";
    case EINPROGRESS: return "EINPROGRESS";
    default: return "EUNKNOWN";
  }
}

}  // namespace

const char* ErrnoName(int err) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char* name = strerrorname_np(err);
  if (name != nullptr) return name;
#endif
  return FallbackErrnoName(err);
}

Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall) {
  const char* name = ErrnoName(err);
  std::string message = std::string(syscall) + " " + name + " (" + std::strerror(err) + ")";
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, name));
  error.Set("errno", Napi::Number::New(env, err));
  error.Set("syscall", Napi::String::New(env, syscall));
  return error;
}

void ThrowErrno(Napi::Env env, int err, const char* syscall) {
  throw ErrnoError(env, err, syscall);
}

void ThrowType(Napi::Env env, const char* message) {
  throw Napi::TypeError::New(env, message);
}

void ThrowRange(Napi::Env env, const char* message) {
  throw Napi::RangeError::New(env, message);
}

int ArgFd(const Napi::CallbackInfo& info, size_t index) {
  if (index >= info.Length() || !info[index].IsNumber()) {
    ThrowType(info.Env(), "fd must be a number");
  }
  double value = info[index].As<Napi::Number>().DoubleValue();
  if (!(value >= 0 && value <= INT_MAX) || value != static_cast<double>(static_cast<int>(value))) {
    ThrowRange(info.Env(), "fd must be a non-negative integer");
  }
  return static_cast<int>(value);
}

int32_t ArgInt(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (index >= info.Length() || !info[index].IsNumber()) {
    ThrowType(info.Env(), (std::string(name) + " must be a number").c_str());
  }
  double value = info[index].As<Napi::Number>().DoubleValue();
  // Accept the full uint32 range too: flags and group masks are often written as unsigned.
  if (!(value >= INT32_MIN && value <= UINT32_MAX) || value != static_cast<double>(static_cast<int64_t>(value))) {
    ThrowRange(info.Env(), (std::string(name) + " must be a 32-bit integer").c_str());
  }
  return static_cast<int32_t>(static_cast<int64_t>(value));
}

int32_t ArgIntOr(const Napi::CallbackInfo& info, size_t index, const char* name, int32_t fallback) {
  if (ArgIsNullish(info, index)) return fallback;
  return ArgInt(info, index, name);
}

Bytes ArgBytes(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (index >= info.Length() || !info[index].IsTypedArray() ||
      info[index].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    ThrowType(info.Env(), (std::string(name) + " must be a Uint8Array or Buffer").c_str());
  }
  Napi::Uint8Array array = info[index].As<Napi::Uint8Array>();
  return Bytes{array.Data(), array.ByteLength()};
}

bool ArgIsNullish(const Napi::CallbackInfo& info, size_t index) {
  return index >= info.Length() || info[index].IsUndefined() || info[index].IsNull();
}

}  // namespace kts
