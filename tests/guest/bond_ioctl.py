#!/usr/bin/env python3
"""The legacy bonding ioctls (what ifenslave 1.x used), on an AF_INET socket of the caller's
network namespace: prints "ok" (and what a query returned) or the errno name, for comparing
drivers and privileges.

usage: bond_ioctl.py enslave|release|change|sethwaddr BOND SLAVE
       bond_ioctl.py info BOND
       bond_ioctl.py slaveinfo BOND SLAVE_ID
"""
import ctypes
import errno
import fcntl
import socket
import struct
import sys

SIOCBONDENSLAVE = 0x8990
SIOCBONDRELEASE = 0x8991
SIOCBONDSETHWADDR = 0x8992
SIOCBONDSLAVEINFOQUERY = 0x8993
SIOCBONDINFOQUERY = 0x8994
SIOCBONDCHANGEACTIVE = 0x8995
BY_SLAVE = {"enslave": SIOCBONDENSLAVE, "release": SIOCBONDRELEASE,
            "sethwaddr": SIOCBONDSETHWADDR, "change": SIOCBONDCHANGEACTIVE}


def main():
    cmd, bond = sys.argv[1], sys.argv[2].encode()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    buf = None
    if cmd in BY_SLAVE:
        # struct ifreq: ifr_name, then ifr_slave (the union's char[IFNAMSIZ])
        ifr = struct.pack("16s16s", bond, sys.argv[3].encode()).ljust(40, b"\0")
        req = BY_SLAVE[cmd]
    elif cmd == "info":
        buf = ctypes.create_string_buffer(12)       # struct ifbond
        ifr = struct.pack("16sP", bond, ctypes.addressof(buf)).ljust(40, b"\0")
        req = SIOCBONDINFOQUERY
    elif cmd == "slaveinfo":
        buf = ctypes.create_string_buffer(28)       # struct ifslave
        struct.pack_into("=i", buf, 0, int(sys.argv[3]))
        ifr = struct.pack("16sP", bond, ctypes.addressof(buf)).ljust(40, b"\0")
        req = SIOCBONDSLAVEINFOQUERY
    else:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        fcntl.ioctl(s.fileno(), req, ifr)
    except OSError as e:
        print(f"error {errno.errorcode.get(e.errno, e.errno)}")
        return 1
    if cmd == "info":
        mode, num, miimon = struct.unpack("=iii", buf.raw)
        print(f"ok mode {mode} num_slaves {num} miimon {miimon}")
    elif cmd == "slaveinfo":
        sid, name, link, state, fails = struct.unpack("=i16sbbxxI", buf.raw)
        print(f"ok slave {sid} {name.rstrip(b'\0').decode()} link {link} state {state} failures {fails}")
    else:
        print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
