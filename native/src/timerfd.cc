// One-shot monotonic timers with nanosecond resolution, for the few deadlines where Node's
// millisecond timers are too coarse (a BACKUP's Master_Down_Timer).
//
//  timerfdCreate()          a CLOCK_MONOTONIC timerfd, non-blocking and close-on-exec; the
//                           caller watches it with a Poller (readable = expired) and closes it
//                           with close().
//  timerfdSet(fd, delayNs)  arms it to expire once, delayNs from now (rounded up to 1 ns);
//                           0 disarms it. Re-arming replaces the previous expiry.
//  timerfdRead(fd)          the number of expirations since the last read, 0 when none
//                           (EAGAIN), which also makes the fd not readable any more.
//  setTimerSlack(ns)        prctl(PR_SET_TIMERSLACK) for the calling thread (the JS main
//                           thread, which waits in epoll): how late the kernel may deliver
//                           its timers to batch wake-ups, 50 µs by default.
//
// keepalived schedules its threads on a timerfd the same way (lib/scheduler.c).
#include "common.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <unistd.h>

namespace kts {

namespace {

constexpr double kMaxDelayNs = 1e18;  // about 31 years: anything beyond is a caller's bug

Napi::Value TimerfdCreate(const Napi::CallbackInfo& info) {
  int fd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) ThrowErrno(info.Env(), errno, "timerfd_create");
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value TimerfdSet(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  if (info.Length() < 2 || !info[1].IsNumber()) ThrowType(env, "delayNs must be a number");
  double delay = info[1].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(delay) || delay < 0 || delay > kMaxDelayNs) ThrowRange(env, "delayNs must be a finite number of nanoseconds >= 0");
  itimerspec spec{};
  if (delay > 0) {
    auto ns = static_cast<int64_t>(std::ceil(delay));
    if (ns < 1) ns = 1;
    spec.it_value.tv_sec = static_cast<time_t>(ns / 1000000000);
    spec.it_value.tv_nsec = static_cast<long>(ns % 1000000000);
  }
  if (::timerfd_settime(fd, 0, &spec, nullptr) < 0) ThrowErrno(env, errno, "timerfd_settime");
  return env.Undefined();
}

Napi::Value TimerfdRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  uint64_t expirations = 0;
  ssize_t n;
  do {
    n = ::read(fd, &expirations, sizeof expirations);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN) return Napi::Number::New(env, 0);
    ThrowErrno(env, errno, "read");
  }
  return Napi::Number::New(env, static_cast<double>(expirations));
}

Napi::Value SetTimerSlack(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t ns = ArgInt(info, 0, "ns");
  if (ns < 1) ThrowRange(env, "timer slack must be at least 1 ns (0 would restore the default)");
  if (::prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(ns), 0, 0, 0) < 0) ThrowErrno(env, errno, "prctl");
  return env.Undefined();
}

}  // namespace

void InitTimerfd(Napi::Env env, Napi::Object exports) {
  exports.Set("timerfdCreate", Napi::Function::New(env, TimerfdCreate, "timerfdCreate"));
  exports.Set("timerfdSet", Napi::Function::New(env, TimerfdSet, "timerfdSet"));
  exports.Set("timerfdRead", Napi::Function::New(env, TimerfdRead, "timerfdRead"));
  exports.Set("setTimerSlack", Napi::Function::New(env, SetTimerSlack, "setTimerSlack"));
}

}  // namespace kts
