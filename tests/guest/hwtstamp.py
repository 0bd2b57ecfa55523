#!/usr/bin/env python3
"""SIOCGHWTSTAMP on a device: prints its hardware time stamping configuration
(flags, tx_type, rx_filter) or the errno name, for comparing drivers.

usage: hwtstamp.py IFNAME
"""
import ctypes
import errno
import fcntl
import socket
import struct
import sys

SIOCGHWTSTAMP = 0x89B1


def main():
    cfg = ctypes.create_string_buffer(12)
    ifr = struct.pack("16sP", sys.argv[1].encode(), ctypes.addressof(cfg)).ljust(40, b"\0")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        fcntl.ioctl(s.fileno(), SIOCGHWTSTAMP, ifr)
    except OSError as e:
        print(f"error {errno.errorcode.get(e.errno, e.errno)}")
        return 1
    flags, tx_type, rx_filter = struct.unpack("=iii", cfg.raw)
    print(f"flags {flags:#x} tx_type {tx_type} rx_filter {rx_filter}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
