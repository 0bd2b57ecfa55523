#!/usr/bin/env python3
"""XDP helpers for xdp_bonding.sh, without libbpf, BTF or a compiler (the guest has none):

  xdp.py load NAME pass|tx|tx4|drop|redirect [IFNAME]
        loads a two-to-four-instruction XDP program (XDP_PASS, XDP_TX, XDP_TX for IPv4 only, XDP_DROP, or
        bpf_redirect() to IFNAME's index, or to index N given as @N) with bpf(2) and pins it at $BPFFS/NAME (default /sys/fs/bpf), for
        `ip link set dev X xdpdrv pinned $BPFFS/NAME`
  xdp.py load NAME multi IFNAME...
        the same for a program that broadcasts every frame into a device map of the IFNAMEs
        (bpf_redirect_map(map, 0, BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS): the selftest's
        xdp_redirect_map_multi_prog for IPv4), the map made and filled in the caller's netns
  xdp.py run IFNAME
        BPF_PROG_TEST_RUN of an XDP_PASS program on one frame of 15 zero bytes in live-frames
        mode, received on IFNAME (the selftest's redirect_no_up): prints "test_run: ok" or the error
  xdp.py features IFNAME
        prints the device's XDP feature flags (generic netlink "netdev", NETDEV_CMD_DEV_GET)
  xdp.py send IFNAME N VARY_IP
        sends N UDP frames from 00:11:22:33:44:55 to 00:22:33:44:55:66 out of IFNAME (packet
        socket), the destination port one higher each time and, if VARY_IP is 1, the destination
        address too (as the BPF selftest xdp_bonding's send_udp_packets())
"""
import ctypes
import errno
import os
import socket
import struct
import sys
import time

NR_BPF = 321  # x86_64 (User-mode Linux runs x86_64 processes)
BPF_MAP_CREATE, BPF_MAP_UPDATE_ELEM, BPF_PROG_LOAD, BPF_OBJ_PIN = 0, 2, 5, 6
BPF_PROG_TEST_RUN = 10
BPF_MAP_TYPE_DEVMAP = 14
BPF_PROG_TYPE_XDP = 6
ACTIONS = {"drop": 1, "pass": 2, "tx": 3}
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def insn(code, dst=0, src=0, off=0, imm=0):
    return struct.pack("<BBhi", code, (src << 4) | dst, off, imm)


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    r = libc.syscall(NR_BPF, cmd, buf, 128)
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return r


def devmap(ifnames):
    fd = bpf(BPF_MAP_CREATE, struct.pack("<IIIII", BPF_MAP_TYPE_DEVMAP, 4, 4, 64, 0))
    for n in ifnames:
        k = ctypes.c_uint32(socket.if_nametoindex(n))
        v = ctypes.c_uint32(k.value)
        bpf(BPF_MAP_UPDATE_ELEM, struct.pack("<IIQQQ", fd, 0, ctypes.addressof(k),
                                             ctypes.addressof(v), 0))
    return fd


def prog_load(prog):
    insns = ctypes.create_string_buffer(prog, len(prog))
    lic = ctypes.create_string_buffer(b"GPL")
    log = ctypes.create_string_buffer(4096)
    attr = struct.pack("<IIQQIIQ", BPF_PROG_TYPE_XDP, len(prog) // 8,
                       ctypes.addressof(insns), ctypes.addressof(lic), 1, len(log),
                       ctypes.addressof(log))
    try:
        return bpf(BPF_PROG_LOAD, attr)
    except OSError:
        sys.stderr.write(log.value.decode(errors="replace"))
        raise


def run(ifname):
    fd = prog_load(insn(0xB7, 0, imm=ACTIONS["pass"]) + insn(0x95))
    pkt = ctypes.create_string_buffer(15)
    # struct xdp_md: data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex
    ctx = ctypes.create_string_buffer(struct.pack("<IIIIII", 0, 15, 0,
                                                  socket.if_nametoindex(ifname), 0, 0))
    # prog_fd, retval, data_size_in, data_size_out, data_in, data_out, repeat, duration,
    # ctx_size_in, ctx_size_out, ctx_in, ctx_out, flags (BPF_F_TEST_XDP_LIVE_FRAMES), cpu,
    # batch_size
    attr = struct.pack("<IIIIQQIIIIQQIII", fd, 0, 15, 0, ctypes.addressof(pkt), 0, 1, 0,
                       24, 0, ctypes.addressof(ctx), 0, 2, 0, 1)
    try:
        bpf(BPF_PROG_TEST_RUN, attr)
        print("test_run: ok")
    except OSError as e:
        print(f"test_run: {e.strerror}")


def load(name, kind, ifname=None, more=()):
    if kind == "multi":
        fd = devmap([ifname, *more])
        # r1 = map (ld_imm64, BPF_PSEUDO_MAP_FD); r2 = 0; r3 = BPF_F_BROADCAST |
        # BPF_F_EXCLUDE_INGRESS; call bpf_redirect_map (51); exit
        prog = (insn(0x18, 1, 1, imm=fd) + insn(0) + insn(0xB7, 2) + insn(0xB7, 3, imm=0x18)
                + insn(0x85, imm=51) + insn(0x95))
    elif kind == "redirect":
        ifindex = int(ifname[1:]) if ifname.startswith("@") else socket.if_nametoindex(ifname)
        # r1 = ifindex; r2 = 0; call bpf_redirect (23); exit
        prog = insn(0xB7, 1, imm=ifindex) + insn(0xB7, 2) + insn(0x85, imm=23) + insn(0x95)
    elif kind == "tx4":
        # XDP_TX for IPv4 frames, XDP_PASS for the others (LACPDUs reach the bond's stack)
        prog = (insn(0x61, 2, 1, 4)             # r2 = ctx->data_end
                + insn(0x61, 3, 1, 0)           # r3 = ctx->data
                + insn(0xBF, 4, 3)              # r4 = r3
                + insn(0x07, 4, imm=14)         # r4 += ETH_HLEN
                + insn(0x2D, 4, 2, off=4)       # if r4 > r2 goto pass
                + insn(0x69, 5, 3, off=12)      # r5 = h_proto (u16, as in memory)
                + insn(0x55, 5, off=2, imm=0x0008)  # if r5 != htons(ETH_P_IP) goto pass
                + insn(0xB7, 0, imm=3) + insn(0x95)  # XDP_TX
                + insn(0xB7, 0, imm=2) + insn(0x95))  # pass: XDP_PASS
    else:
        prog = insn(0xB7, 0, imm=ACTIONS[kind]) + insn(0x95)  # r0 = action; exit
    insns = ctypes.create_string_buffer(prog, len(prog))
    lic = ctypes.create_string_buffer(b"GPL")
    log = ctypes.create_string_buffer(4096)
    attr = struct.pack("<IIQQIIQII16s", BPF_PROG_TYPE_XDP, len(prog) // 8,
                       ctypes.addressof(insns), ctypes.addressof(lic), 1, len(log),
                       ctypes.addressof(log), 0, 0, name.encode()[:15])
    try:
        fd = bpf(BPF_PROG_LOAD, attr)
    except OSError:
        sys.stderr.write(log.value.decode(errors="replace"))
        raise
    path = ctypes.create_string_buffer(f"{os.environ.get('BPFFS', '/sys/fs/bpf')}/{name}".encode())
    bpf(BPF_OBJ_PIN, struct.pack("<QII", ctypes.addressof(path), fd, 0))


def nla(t, payload):
    return struct.pack("=HH", 4 + len(payload), t) + payload + b"\0" * (-len(payload) % 4)


def attrs(b):
    while len(b) >= 4:
        ln, t = struct.unpack_from("=HH", b)
        yield t & 0x7FFF, b[4:ln]
        b = b[(ln + 3) & ~3:]


def genl(s, family, cmd, payload):
    msg = struct.pack("=BBH", cmd, 1, 0) + payload
    s.send(struct.pack("=IHHII", 16 + len(msg), family, 1, 1, 0) + msg)  # NLM_F_REQUEST
    r = s.recv(65536)
    ln, typ = struct.unpack_from("=IH", r)
    if typ == 2:  # NLMSG_ERROR
        raise OSError(-struct.unpack_from("=i", r, 16)[0], "netlink error")
    return dict(attrs(r[20:ln]))


def features(ifname):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)  # NETLINK_GENERIC
    # CTRL_CMD_GETFAMILY (3), CTRL_ATTR_FAMILY_NAME (2) -> CTRL_ATTR_FAMILY_ID (1)
    fam = struct.unpack("=H", genl(s, 0x10, 3, nla(2, b"netdev\0"))[1][:2])[0]
    # NETDEV_CMD_DEV_GET (1), NETDEV_A_DEV_IFINDEX (1) -> NETDEV_A_DEV_XDP_FEATURES (3)
    a = genl(s, fam, 1, nla(1, struct.pack("=I", socket.if_nametoindex(ifname))))
    v = struct.unpack("=Q", a[3])[0]
    names = ["basic", "redirect", "ndo-xmit", "xsk-zerocopy", "hw-offload", "rx-sg",
             "ndo-xmit-sg"]
    print(f"{ifname} xdp-features: " + (" ".join(n for i, n in enumerate(names) if v >> i & 1)
                                        or "none"))


def send(ifname, n, vary_ip):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    eth = bytes.fromhex("002233445566" "001122334455" "0800")
    for i in range(1, n + 1):
        daddr = 2 + (i if vary_ip else 0)
        ip = struct.pack("!BBHHHBBHII", 0x45, 16, 128 - 14, 1, 0, 64, 17, 0, 1, daddr)
        udp = struct.pack("!HHHH", 0, i, 0, 0)
        for _ in range(100):  # ENOBUFS: the frame was dropped on the way (a full ring): again
            try:
                s.send((eth + ip + udp).ljust(128, b"\0"))
                break
            except OSError as e:
                if e.errno != errno.ENOBUFS:
                    raise
                time.sleep(0.01)


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "load":
        load(a[1], a[2], a[3] if len(a) > 3 else None, a[4:])
    elif a[0] == "run":
        run(a[1])
    elif a[0] == "features":
        features(a[1])
    elif a[0] == "send":
        send(a[1], int(a[2]), a[3] == "1")
