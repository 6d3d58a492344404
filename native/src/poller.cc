// Poller: readiness of a file descriptor, delivered as JS callbacks by libuv.
//
// new Poller(fd, (status, events) => ...) wraps a uv_poll_t on the environment's
// loop. start(events) arms it (UV_READABLE, UV_WRITABLE, ...); the callback gets
// status 0 and the ready events, or a negative status when libuv saw POLLERR.
// libuv reports POLLERR as UV_EBADF and stops the watcher by itself; the real
// cause is in SO_ERROR (takeSocketError), after which JS calls start() again.
//
// Lifetime rules, which the FFI experiments in node-sockets.md showed matter:
//  - the uv_poll_t lives in its own heap block, freed only in uv_close's callback,
//    so it outlives the JS object if the object is collected while closing;
//  - while started, the Poller holds a strong reference to its JS object, so an
//    armed watcher is never garbage collected out from under libuv;
//  - callbacks go through MakeCallback with an AsyncContext, so process.nextTick
//    queues, promise jobs and async_hooks behave as for any Node I/O callback;
//  - an exception thrown by the JS callback becomes an 'uncaughtException', as it
//    would for a throwing listener of a Node socket.
// The Poller never closes the fd: its owner does that after close().
#include "callback.h"
#include "common.h"

#include <uv.h>

namespace kts {

namespace {

class Poller : public Napi::ObjectWrap<Poller> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Poller", {
      InstanceMethod("start", &Poller::Start),
      InstanceMethod("stop", &Poller::Stop),
      InstanceMethod("close", &Poller::Close),
      InstanceMethod("ref", &Poller::RefLoop),
      InstanceMethod("unref", &Poller::UnrefLoop),
      InstanceAccessor("fd", &Poller::Fd, nullptr),
      InstanceAccessor("active", &Poller::Active, nullptr),
    });
  }

  explicit Poller(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Poller>(info) {
    Napi::Env env = info.Env();
    fd_ = ArgFd(info, 0);
    if (info.Length() < 2 || !info[1].IsFunction()) ThrowType(env, "Poller callback must be a function");
    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
      throw Napi::Error::New(env, "Poller: no libuv loop for this environment");
    }
    handle_ = new Handle();
    handle_->owner = this;
    int rc = uv_poll_init(loop, &handle_->poll, fd_);
    if (rc < 0) {
      delete handle_;
      handle_ = nullptr;
      ThrowErrno(env, -rc, "uv_poll_init");
    }
    callback_.Set(env, info[1].As<Napi::Function>(), info.This().As<Napi::Object>(), "KeepalivedPoller");
  }

  ~Poller() override { CloseHandle(); }

 private:
  struct Handle {
    uv_poll_t poll;
    Poller* owner;
  };

  void CloseHandle() {
    if (handle_ == nullptr) return;
    handle_->owner = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(&handle_->poll),
             [](uv_handle_t* h) { delete reinterpret_cast<Handle*>(h); });
    handle_ = nullptr;
  }

  void SetStarted(bool started) {
    if (started == started_) return;
    started_ = started;
    if (started) Ref(); else Unref();
  }

  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (handle_ == nullptr) throw Napi::Error::New(env, "Poller is closed");
    int events = ArgIntOr(info, 0, "events", UV_READABLE);
    int rc = uv_poll_start(&handle_->poll, events, OnPoll);
    if (rc < 0) ThrowErrno(env, -rc, "uv_poll_start");
    SetStarted(true);
    return info.This();
  }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    if (handle_ != nullptr) uv_poll_stop(&handle_->poll);
    SetStarted(false);
    return info.This();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    CloseHandle();
    SetStarted(false);
    callback_.Release();
    return info.Env().Undefined();
  }

  Napi::Value RefLoop(const Napi::CallbackInfo& info) {
    if (handle_ != nullptr) uv_ref(reinterpret_cast<uv_handle_t*>(&handle_->poll));
    return info.This();
  }

  Napi::Value UnrefLoop(const Napi::CallbackInfo& info) {
    if (handle_ != nullptr) uv_unref(reinterpret_cast<uv_handle_t*>(&handle_->poll));
    return info.This();
  }

  Napi::Value Fd(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), fd_); }
  Napi::Value Active(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), started_); }

  static void OnPoll(uv_poll_t* poll, int status, int events) {
    Poller* self = reinterpret_cast<Handle*>(poll)->owner;
    if (self == nullptr) return;
    Napi::Env env = self->Env();
    Napi::HandleScope scope(env);
    // Take a local handle before dropping the strong reference below, so the object
    // stays alive for the whole callback.
    Napi::Object receiver = self->Value();
    // libuv has already stopped the watcher on error: mirror that state.
    if (status < 0) self->SetStarted(false);
    self->callback_.Invoke(env, receiver, {Napi::Number::New(env, status), Napi::Number::New(env, events)});
  }

  int fd_ = -1;
  bool started_ = false;
  Handle* handle_ = nullptr;
  LoopCallback callback_;
};

}  // namespace

void InitPoller(Napi::Env env, Napi::Object exports) {
  exports.Set("Poller", Poller::Define(env));
  exports.Set("UV_READABLE", Napi::Number::New(env, UV_READABLE));
  exports.Set("UV_WRITABLE", Napi::Number::New(env, UV_WRITABLE));
  exports.Set("UV_DISCONNECT", Napi::Number::New(env, UV_DISCONNECT));
  exports.Set("UV_PRIORITIZED", Napi::Number::New(env, UV_PRIORITIZED));
  exports.Set("UV_EBADF", Napi::Number::New(env, UV_EBADF));
}

}  // namespace kts
