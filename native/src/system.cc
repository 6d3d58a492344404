// The few process-level syscalls a router daemon needs and Node lacks.
//
//  setns(fd, nstype)      keepalived's net_namespace: move the calling thread into the
//                          namespace open at fd (/var/run/netns/NAME). Linux changes only
//                          the calling thread (here: the JS main thread); sockets opened
//                          afterwards belong to the new namespace and keep it for life.
//  mlockall(flags)        keepalived's lock_process (MCL_CURRENT | MCL_FUTURE).
//  munlockall()
//  schedSetScheduler(policy, priority)
//                          keepalived's vrrp/checker_realtime_priority (SCHED_RR). As
//                          with any pid-0 call on Linux this applies to the calling
//                          thread only; libuv's worker threads keep their policy.
//  schedGetScheduler()    -> { policy, priority } of the calling thread.
#include "common.h"

#include <cerrno>
#include <sched.h>
#include <sys/mman.h>

namespace kts {

namespace {

Napi::Value SetNs(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  int nstype = ArgIntOr(info, 1, "nstype", 0);
  if (::setns(fd, nstype) < 0) ThrowErrno(info.Env(), errno, "setns");
  return info.Env().Undefined();
}

Napi::Value MlockAll(const Napi::CallbackInfo& info) {
  int flags = ArgInt(info, 0, "flags");
  if (::mlockall(flags) < 0) ThrowErrno(info.Env(), errno, "mlockall");
  return info.Env().Undefined();
}

Napi::Value MunlockAll(const Napi::CallbackInfo& info) {
  if (::munlockall() < 0) ThrowErrno(info.Env(), errno, "munlockall");
  return info.Env().Undefined();
}

Napi::Value SchedSetScheduler(const Napi::CallbackInfo& info) {
  int policy = ArgInt(info, 0, "policy");
  sched_param param{};
  param.sched_priority = ArgIntOr(info, 1, "priority", 0);
  if (::sched_setscheduler(0, policy, &param) < 0) ThrowErrno(info.Env(), errno, "sched_setscheduler");
  return info.Env().Undefined();
}

Napi::Value SchedGetScheduler(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int policy = ::sched_getscheduler(0);
  if (policy < 0) ThrowErrno(env, errno, "sched_getscheduler");
  sched_param param{};
  if (::sched_getparam(0, &param) < 0) ThrowErrno(env, errno, "sched_getparam");
  Napi::Object result = Napi::Object::New(env);
  result.Set("policy", Napi::Number::New(env, policy));
  result.Set("priority", Napi::Number::New(env, param.sched_priority));
  return result;
}

}  // namespace

void InitSystem(Napi::Env env, Napi::Object exports) {
  exports.Set("setns", Napi::Function::New(env, SetNs, "setns"));
  exports.Set("mlockall", Napi::Function::New(env, MlockAll, "mlockall"));
  exports.Set("munlockall", Napi::Function::New(env, MunlockAll, "munlockall"));
  exports.Set("schedSetScheduler", Napi::Function::New(env, SchedSetScheduler, "schedSetScheduler"));
  exports.Set("schedGetScheduler", Napi::Function::New(env, SchedGetScheduler, "schedGetScheduler"));
}

}  // namespace kts
