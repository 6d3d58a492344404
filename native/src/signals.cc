// SignalWatcher: catching signals Node's process.on() cannot name.
//
// Node maps signal names through os.constants.signals, which stops at SIGSYS (31):
// process.on('SIGRTMIN') registers a plain event listener and kill -36 still
// terminates the process (checked on Node 20.20). keepalived uses realtime signals:
// SIGRTMIN+2 asks for a JSON state dump, SIGRTMAX-1 clears statistics. libuv itself
// accepts any signal number, so this is a uv_signal_t on the environment's loop.
// Delivery is therefore asynchronous and safe (libuv's self-pipe), the callback runs
// on the loop like any I/O callback, and several watchers may share a signal.
// When the last watcher of a signal stops, libuv restores the default disposition.
//
// SIGRTMIN/SIGRTMAX are exported as the C library computes them at run time (glibc
// reserves the first two realtime signals for its threads, so SIGRTMIN is 34).
#include "callback.h"
#include "common.h"

#include <csignal>
#include <uv.h>

namespace kts {

namespace {

class SignalWatcher : public Napi::ObjectWrap<SignalWatcher> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "SignalWatcher", {
      InstanceMethod("start", &SignalWatcher::Start),
      InstanceMethod("stop", &SignalWatcher::Stop),
      InstanceMethod("close", &SignalWatcher::Close),
      InstanceMethod("ref", &SignalWatcher::RefLoop),
      InstanceMethod("unref", &SignalWatcher::UnrefLoop),
      InstanceAccessor("signal", &SignalWatcher::Signal, nullptr),
    });
  }

  explicit SignalWatcher(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SignalWatcher>(info) {
    Napi::Env env = info.Env();
    signum_ = ArgInt(info, 0, "signal");
    if (signum_ <= 0 || signum_ >= NSIG) ThrowRange(env, "signal number out of range");
    if (signum_ == SIGKILL || signum_ == SIGSTOP) ThrowRange(env, "SIGKILL and SIGSTOP cannot be caught");
    if (info.Length() < 2 || !info[1].IsFunction()) ThrowType(env, "SignalWatcher callback must be a function");
    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
      throw Napi::Error::New(env, "SignalWatcher: no libuv loop for this environment");
    }
    handle_ = new Handle();
    handle_->owner = this;
    int rc = uv_signal_init(loop, &handle_->signal);
    if (rc < 0) {
      delete handle_;
      handle_ = nullptr;
      ThrowErrno(env, -rc, "uv_signal_init");
    }
    callback_.Set(env, info[1].As<Napi::Function>(), info.This().As<Napi::Object>(), "KeepalivedSignal");
  }

  ~SignalWatcher() override { CloseHandle(); }

 private:
  struct Handle {
    uv_signal_t signal;
    SignalWatcher* owner;
  };

  void CloseHandle() {
    if (handle_ == nullptr) return;
    handle_->owner = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(&handle_->signal),
             [](uv_handle_t* h) { delete reinterpret_cast<Handle*>(h); });
    handle_ = nullptr;
  }

  void SetStarted(bool started) {
    if (started == started_) return;
    started_ = started;
    if (started) Ref(); else Unref();
  }

  Napi::Value Start(const Napi::CallbackInfo& info) {
    if (handle_ == nullptr) throw Napi::Error::New(info.Env(), "SignalWatcher is closed");
    int rc = uv_signal_start(&handle_->signal, OnSignal, signum_);
    if (rc < 0) ThrowErrno(info.Env(), -rc, "uv_signal_start");
    SetStarted(true);
    return info.This();
  }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    if (handle_ != nullptr) uv_signal_stop(&handle_->signal);
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
    if (handle_ != nullptr) uv_ref(reinterpret_cast<uv_handle_t*>(&handle_->signal));
    return info.This();
  }

  Napi::Value UnrefLoop(const Napi::CallbackInfo& info) {
    if (handle_ != nullptr) uv_unref(reinterpret_cast<uv_handle_t*>(&handle_->signal));
    return info.This();
  }

  Napi::Value Signal(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), signum_); }

  static void OnSignal(uv_signal_t* signal, int signum) {
    SignalWatcher* self = reinterpret_cast<Handle*>(signal)->owner;
    if (self == nullptr) return;
    Napi::Env env = self->Env();
    Napi::HandleScope scope(env);
    Napi::Object receiver = self->Value();
    self->callback_.Invoke(env, receiver, {Napi::Number::New(env, signum)});
  }

  int signum_ = 0;
  bool started_ = false;
  Handle* handle_ = nullptr;
  LoopCallback callback_;
};

}  // namespace

void InitSignals(Napi::Env env, Napi::Object exports) {
  exports.Set("SignalWatcher", SignalWatcher::Define(env));
  exports.Set("SIGRTMIN", Napi::Number::New(env, SIGRTMIN));
  exports.Set("SIGRTMAX", Napi::Number::New(env, SIGRTMAX));
}

}  // namespace kts
