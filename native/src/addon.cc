// keepalived-ts native addon: the only C++ in the project.
//
// A thin, synchronous, protocol-agnostic layer over the Linux calls Node does not
// expose: sockets of any family (raw IP, packet, netlink, unix datagram) with
// ancillary data (sockets.cc), fd readiness on the libuv loop (poller.cc),
// realtime signals (signals.cc), a few process calls (system.cc) and monotonic
// timerfds (timerfd.cc). All protocol
// work - sockaddr and cmsg layouts, ARP, NDP, VRRP, netlink - is TypeScript.
// src/net/native.ts is the typed entry point; nothing else should load this file.
#include <napi.h>
#include <sys/socket.h>

namespace kts {
void InitSockets(Napi::Env env, Napi::Object exports);
void InitPoller(Napi::Env env, Napi::Object exports);
void InitSignals(Napi::Env env, Napi::Object exports);
void InitSystem(Napi::Env env, Napi::Object exports);
void InitTimerfd(Napi::Env env, Napi::Object exports);
Napi::Object HeaderConstants(Napi::Env env);
}  // namespace kts

namespace {

// Sizes the TypeScript layouts depend on, so src/net/native.ts can refuse to run
// on an ABI it was not written for instead of corrupting cmsgs.
Napi::Object Layout(Napi::Env env) {
  Napi::Object layout = Napi::Object::New(env);
  layout.Set("cmsgHeaderLength", Napi::Number::New(env, CMSG_LEN(0)));
  layout.Set("cmsgAlign", Napi::Number::New(env, CMSG_SPACE(1) - CMSG_SPACE(0)));
  layout.Set("sockaddrStorage", Napi::Number::New(env, sizeof(sockaddr_storage)));
  return layout;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  kts::InitSockets(env, exports);
  kts::InitPoller(env, exports);
  kts::InitSignals(env, exports);
  kts::InitSystem(env, exports);
  kts::InitTimerfd(env, exports);
  exports.Set("layout", Layout(env));
  exports.Set("headerConstants", kts::HeaderConstants(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(keepalived_native, Init)
