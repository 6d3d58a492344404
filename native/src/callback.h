// LoopCallback: a JS function called from a libuv callback, the way Node calls
// its own I/O callbacks.
//
// MakeCallback with an AsyncContext gives the call an async id, runs the nextTick
// queue and promise jobs afterwards and lets async_hooks see it. A JS exception
// becomes an 'uncaughtException', like a throwing listener on a Node socket.
// Release() may be called from inside the callback itself (a listener closing its
// socket): the function and context are then dropped only once the call returns.
#pragma once

#include <napi.h>
#include <memory>

namespace kts {

class LoopCallback {
 public:
  void Set(Napi::Env env, Napi::Function fn, Napi::Object resource, const char* name) {
    fn_ = Napi::Persistent(fn);
    context_ = std::make_unique<Napi::AsyncContext>(env, name, resource);
  }

  void Invoke(Napi::Env env, Napi::Object receiver, const std::initializer_list<napi_value>& args) {
    if (fn_.IsEmpty() || !context_) return;
    in_call_ = true;
    try {
      fn_.MakeCallback(receiver, args, *context_);
    } catch (const Napi::Error& error) {
      napi_fatal_exception(env, error.Value());
    }
    in_call_ = false;
    if (release_pending_) Release();
  }

  void Release() {
    if (in_call_) {
      release_pending_ = true;
      return;
    }
    release_pending_ = false;
    fn_.Reset();
    context_.reset();
  }

 private:
  Napi::FunctionReference fn_;
  std::unique_ptr<Napi::AsyncContext> context_;
  bool in_call_ = false;
  bool release_pending_ = false;
};

}  // namespace kts
