// Socket syscalls: a generic, protocol-agnostic layer over socket(2) and friends.
//
// The addon knows no protocol. Addresses travel as raw sockaddr bytes built in
// TypeScript (src/net/sockaddr.ts), options as an int or raw struct bytes, and
// ancillary data as raw cmsg bytes (src/net/cmsg.ts). That keeps every layout
// decision in one typed, unit-tested place and this file small.
//
// Every socket is non-blocking: send calls throw an EAGAIN error instead of
// waiting, and recvmsg returns null when the queue is empty. Readiness comes
// from the Poller (poller.cc), so nothing here ever blocks the event loop.
#include "common.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

#include <linux/filter.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

namespace kts {

namespace {

// Copies sockaddr bytes from JS into aligned storage, rejecting oversized input.
socklen_t CopySockaddr(Napi::Env env, const Bytes& bytes, sockaddr_storage* out) {
  if (bytes.length > sizeof(sockaddr_storage)) ThrowRange(env, "sockaddr is longer than sockaddr_storage (128 bytes)");
  if (bytes.length < sizeof(sa_family_t)) ThrowRange(env, "sockaddr is shorter than its family field");
  std::memset(out, 0, sizeof(*out));
  std::memcpy(out, bytes.data, bytes.length);
  return static_cast<socklen_t>(bytes.length);
}

// Receive scratch space, reused across calls; each message is copied out at its
// exact size so a 64 KiB maximum does not cost a 64 KiB allocation per packet.
// thread_local: worker threads have their own event loops and their own calls.
thread_local std::vector<uint8_t> recv_data_scratch;
thread_local std::vector<uint8_t> recv_control_scratch;

Napi::Value Socket(const Napi::CallbackInfo& info) {
  int family = ArgInt(info, 0, "family");
  int type = ArgInt(info, 1, "type");
  int protocol = ArgIntOr(info, 2, "protocol", 0);
  int fd = ::socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) ThrowErrno(info.Env(), errno, "socket");
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  // On Linux the descriptor is released even when close() reports EINTR, so retrying would
  // close someone else's new descriptor; EINTR is therefore treated as success.
  if (::close(fd) < 0 && errno != EINTR) ThrowErrno(info.Env(), errno, "close");
  return info.Env().Undefined();
}

Napi::Value Bind(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  sockaddr_storage ss;
  socklen_t len = CopySockaddr(info.Env(), ArgBytes(info, 1, "sockaddr"), &ss);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) < 0) ThrowErrno(info.Env(), errno, "bind");
  return info.Env().Undefined();
}

Napi::Value Connect(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  sockaddr_storage ss;
  socklen_t len = CopySockaddr(info.Env(), ArgBytes(info, 1, "sockaddr"), &ss);
  int rc;
  do rc = ::connect(fd, reinterpret_cast<sockaddr*>(&ss), len); while (rc < 0 && errno == EINTR);
  if (rc < 0) ThrowErrno(info.Env(), errno, "connect");
  return info.Env().Undefined();
}

Napi::Value GetSockName(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  std::memset(&ss, 0, sizeof(ss));
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) < 0) ThrowErrno(info.Env(), errno, "getsockname");
  if (len > sizeof(ss)) len = sizeof(ss);
  return Napi::Buffer<uint8_t>::Copy(info.Env(), reinterpret_cast<uint8_t*>(&ss), len);
}

// setsockopt(fd, level, name, value): a number or boolean is passed as a C int,
// a Uint8Array as the raw option struct (ip_mreqn, ipv6_mreq, an interface name, ...).
Napi::Value SetSockOpt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  int level = ArgInt(info, 1, "level");
  int name = ArgInt(info, 2, "name");
  int rc;
  if (info.Length() > 3 && (info[3].IsNumber() || info[3].IsBoolean())) {
    int value = info[3].IsBoolean() ? (info[3].As<Napi::Boolean>().Value() ? 1 : 0) : ArgInt(info, 3, "value");
    rc = ::setsockopt(fd, level, name, &value, sizeof(value));
  } else {
    Bytes bytes = ArgBytes(info, 3, "value");
    rc = ::setsockopt(fd, level, name, bytes.data, static_cast<socklen_t>(bytes.length));
  }
  if (rc < 0) ThrowErrno(env, errno, "setsockopt");
  return env.Undefined();
}

// getsockopt(fd, level, name, maxLength) -> Buffer of the length the kernel reports.
Napi::Value GetSockOpt(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  int level = ArgInt(info, 1, "level");
  int name = ArgInt(info, 2, "name");
  int max_length = ArgIntOr(info, 3, "maxLength", sizeof(int));
  if (max_length < 0 || max_length > 65536) ThrowRange(info.Env(), "maxLength must be between 0 and 65536");
  std::vector<uint8_t> value(static_cast<size_t>(max_length));
  socklen_t len = static_cast<socklen_t>(max_length);
  if (::getsockopt(fd, level, name, value.data(), &len) < 0) ThrowErrno(info.Env(), errno, "getsockopt");
  if (len > static_cast<socklen_t>(max_length)) len = static_cast<socklen_t>(max_length);
  return Napi::Buffer<uint8_t>::Copy(info.Env(), value.data(), len);
}

Napi::Value GetSockOptInt(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  int level = ArgInt(info, 1, "level");
  int name = ArgInt(info, 2, "name");
  int value = 0;
  socklen_t len = sizeof(value);
  if (::getsockopt(fd, level, name, &value, &len) < 0) ThrowErrno(info.Env(), errno, "getsockopt");
  return Napi::Number::New(info.Env(), value);
}

// Reads and clears the pending asynchronous error (SO_ERROR). libuv reports a
// socket error (POLLERR) as UV_EBADF and stops polling; this tells the real cause,
// for instance ENOBUFS when a netlink socket's receive queue overflowed.
Napi::Value TakeSocketError(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  int value = 0;
  socklen_t len = sizeof(value);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &len) < 0) ThrowErrno(info.Env(), errno, "getsockopt");
  return Napi::Number::New(info.Env(), value);
}

// attachFilter(fd, program): classic BPF (SO_ATTACH_FILTER). The program is the raw
// array of 8-byte struct sock_filter; it cannot go through setsockopt() from JS
// because struct sock_fprog holds a pointer.
Napi::Value AttachFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  Bytes bytes = ArgBytes(info, 1, "program");
  if (bytes.length == 0 || bytes.length % sizeof(sock_filter) != 0 || bytes.length / sizeof(sock_filter) > BPF_MAXINSNS) {
    ThrowRange(env, "BPF program must be 1 to 4096 instructions of 8 bytes");
  }
  std::vector<sock_filter> program(bytes.length / sizeof(sock_filter));
  std::memcpy(program.data(), bytes.data, bytes.length);
  sock_fprog fprog{static_cast<unsigned short>(program.size()), program.data()};
  if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)) < 0) ThrowErrno(env, errno, "setsockopt");
  return env.Undefined();
}

// sendto(fd, data, sockaddr?, flags?) -> bytes sent. EAGAIN is thrown like any error.
Napi::Value SendTo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  Bytes data = ArgBytes(info, 1, "data");
  sockaddr_storage ss;
  socklen_t ss_len = 0;
  if (!ArgIsNullish(info, 2)) ss_len = CopySockaddr(env, ArgBytes(info, 2, "sockaddr"), &ss);
  int flags = ArgIntOr(info, 3, "flags", 0);
  ssize_t n;
  do {
    n = ::sendto(fd, data.data, data.length, flags | MSG_DONTWAIT | MSG_NOSIGNAL,
                 ss_len ? reinterpret_cast<sockaddr*>(&ss) : nullptr, ss_len);
  } while (n < 0 && errno == EINTR);
  if (n < 0) ThrowErrno(env, errno, "sendto");
  return Napi::Number::New(env, static_cast<double>(n));
}

// sendmsg(fd, iov[], sockaddr?, control?, flags?) -> bytes sent. The iov pieces are
// gathered by the kernel (a netlink batch, or Ethernet + IPv6 + ICMPv6 headers);
// control carries cmsgs such as IP_PKTINFO to choose the source address.
Napi::Value SendMsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  if (info.Length() < 2 || !info[1].IsArray()) ThrowType(env, "iov must be an array of Uint8Array");
  Napi::Array array = info[1].As<Napi::Array>();
  uint32_t count = array.Length();
  if (count > IOV_MAX) ThrowRange(env, "iov has more entries than IOV_MAX");
  std::vector<iovec> iov(count);
  for (uint32_t i = 0; i < count; i++) {
    Napi::Value piece = array.Get(i);
    if (!piece.IsTypedArray() || piece.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      ThrowType(env, "iov must be an array of Uint8Array");
    }
    Napi::Uint8Array bytes = piece.As<Napi::Uint8Array>();
    iov[i].iov_base = bytes.Data();
    iov[i].iov_len = bytes.ByteLength();
  }
  sockaddr_storage ss;
  socklen_t ss_len = 0;
  if (!ArgIsNullish(info, 2)) ss_len = CopySockaddr(env, ArgBytes(info, 2, "sockaddr"), &ss);
  // Control bytes are copied into 8-byte aligned storage: the kernel walks them with CMSG_NXTHDR.
  std::vector<uint64_t> control;
  size_t control_len = 0;
  if (!ArgIsNullish(info, 3)) {
    Bytes bytes = ArgBytes(info, 3, "control");
    control_len = bytes.length;
    control.resize((bytes.length + 7) / 8);
    if (bytes.length) std::memcpy(control.data(), bytes.data, bytes.length);
  }
  int flags = ArgIntOr(info, 4, "flags", 0);

  msghdr msg;
  std::memset(&msg, 0, sizeof(msg));
  msg.msg_name = ss_len ? &ss : nullptr;
  msg.msg_namelen = ss_len;
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  msg.msg_control = control_len ? control.data() : nullptr;
  msg.msg_controllen = control_len;
  ssize_t n;
  do n = ::sendmsg(fd, &msg, flags | MSG_DONTWAIT | MSG_NOSIGNAL); while (n < 0 && errno == EINTR);
  if (n < 0) ThrowErrno(env, errno, "sendmsg");
  return Napi::Number::New(env, static_cast<double>(n));
}

// recvmsg(fd, maxData?, maxControl?, flags?) -> { data, addr, control, flags, length, ageNs? } | null.
// null means the queue is empty (EAGAIN). length is what recvmsg returned: with
// MSG_TRUNC in flags it is the full datagram size even when data was cut to maxData.
// ageNs, on a socket with SO_TIMESTAMPNS: how long ago the kernel received the datagram,
// its SCM_TIMESTAMPNS stamp subtracted from CLOCK_REALTIME read just after recvmsg (the
// stamp's clock). An age rather than the stamp, so the caller can place the arrival on
// its own monotonic clock without knowing how CLOCK_REALTIME relates to it.
Napi::Value RecvMsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  int max_data = ArgIntOr(info, 1, "maxData", 65536);
  int max_control = ArgIntOr(info, 2, "maxControl", 256);
  int flags = ArgIntOr(info, 3, "flags", 0);
  if (max_data < 0 || max_data > (16 << 20)) ThrowRange(env, "maxData must be between 0 and 16 MiB");
  if (max_control < 0 || max_control > 65536) ThrowRange(env, "maxControl must be between 0 and 65536");
  if (recv_data_scratch.size() < static_cast<size_t>(max_data)) recv_data_scratch.resize(max_data);
  if (recv_control_scratch.size() < static_cast<size_t>(max_control)) recv_control_scratch.resize(max_control);

  sockaddr_storage ss;
  std::memset(&ss, 0, sizeof(ss));
  iovec iov{recv_data_scratch.data(), static_cast<size_t>(max_data)};
  msghdr msg;
  std::memset(&msg, 0, sizeof(msg));
  msg.msg_name = &ss;
  msg.msg_namelen = sizeof(ss);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = max_control ? recv_control_scratch.data() : nullptr;
  msg.msg_controllen = static_cast<size_t>(max_control);
  ssize_t n;
  do n = ::recvmsg(fd, &msg, flags | MSG_DONTWAIT); while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return env.Null();
    ThrowErrno(env, errno, "recvmsg");
  }
  size_t data_len = static_cast<size_t>(n) < static_cast<size_t>(max_data) ? static_cast<size_t>(n) : static_cast<size_t>(max_data);
  socklen_t addr_len = msg.msg_namelen < sizeof(ss) ? msg.msg_namelen : sizeof(ss);
  size_t control_len = msg.msg_controllen < static_cast<size_t>(max_control) ? msg.msg_controllen : static_cast<size_t>(max_control);
  bool stamped = false;
  double age_ns = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS || c->cmsg_len < CMSG_LEN(sizeof(timespec))) continue;
    timespec stamp;
    std::memcpy(&stamp, CMSG_DATA(c), sizeof(stamp));
    timespec now;
    if (::clock_gettime(CLOCK_REALTIME, &now) != 0) break;
    age_ns = static_cast<double>(now.tv_sec - stamp.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec - stamp.tv_nsec);
    stamped = true;
    break;
  }

  Napi::Object result = Napi::Object::New(env);
  result.Set("data", Napi::Buffer<uint8_t>::Copy(env, recv_data_scratch.data(), data_len));
  result.Set("addr", Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(&ss), addr_len));
  result.Set("control", Napi::Buffer<uint8_t>::Copy(env, recv_control_scratch.data(), control_len));
  result.Set("flags", Napi::Number::New(env, msg.msg_flags));
  result.Set("length", Napi::Number::New(env, static_cast<double>(n)));
  if (stamped) result.Set("ageNs", Napi::Number::New(env, age_ns));
  return result;
}

Napi::Value IfNameToIndex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) ThrowType(env, "interface name must be a string");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  if (name.empty() || name.size() >= IF_NAMESIZE) ThrowRange(env, "interface name must be 1 to 15 bytes");
  unsigned index = ::if_nametoindex(name.c_str());
  if (index == 0) ThrowErrno(env, errno ? errno : ENODEV, "if_nametoindex");
  return Napi::Number::New(env, index);
}

Napi::Value IfIndexToName(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int index = ArgInt(info, 0, "index");
  if (index <= 0) ThrowRange(env, "interface index must be positive");
  char name[IF_NAMESIZE];
  if (::if_indextoname(static_cast<unsigned>(index), name) == nullptr) ThrowErrno(env, errno ? errno : ENXIO, "if_indextoname");
  return Napi::String::New(env, name);
}

}  // namespace

void InitSockets(Napi::Env env, Napi::Object exports) {
  exports.Set("socket", Napi::Function::New(env, Socket, "socket"));
  exports.Set("close", Napi::Function::New(env, Close, "close"));
  exports.Set("bind", Napi::Function::New(env, Bind, "bind"));
  exports.Set("connect", Napi::Function::New(env, Connect, "connect"));
  exports.Set("getsockname", Napi::Function::New(env, GetSockName, "getsockname"));
  exports.Set("setsockopt", Napi::Function::New(env, SetSockOpt, "setsockopt"));
  exports.Set("getsockopt", Napi::Function::New(env, GetSockOpt, "getsockopt"));
  exports.Set("getsockoptInt", Napi::Function::New(env, GetSockOptInt, "getsockoptInt"));
  exports.Set("takeSocketError", Napi::Function::New(env, TakeSocketError, "takeSocketError"));
  exports.Set("attachFilter", Napi::Function::New(env, AttachFilter, "attachFilter"));
  exports.Set("sendto", Napi::Function::New(env, SendTo, "sendto"));
  exports.Set("sendmsg", Napi::Function::New(env, SendMsg, "sendmsg"));
  exports.Set("recvmsg", Napi::Function::New(env, RecvMsg, "recvmsg"));
  exports.Set("ifNameToIndex", Napi::Function::New(env, IfNameToIndex, "ifNameToIndex"));
  exports.Set("ifIndexToName", Napi::Function::New(env, IfIndexToName, "ifIndexToName"));
}

}  // namespace kts
