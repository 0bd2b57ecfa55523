// SPDX-License-Identifier: GPL-2.0

//! Transmit hash policies against an independent reference: packets are
//! built from known field values, and the expected hash is computed from
//! those values with the formulas of `Documentation/networking/bonding.rst`
//! and `bond_main.c` (no header parsing), then compared with what
//! `xmit_hash()` reads out of the bytes.

use bonding_modes::hash::{
    sk_hash_l34, xmit_hash, FlowKeys, Packet, SockAddrs, ETH_P_IP, ETH_P_IPV6,
};
use bonding_modes::XmitHashPolicy as P;

const DST: [u8; 6] = [0x02, 0x11, 0x22, 0x33, 0x44, 0x55];
const SRC: [u8; 6] = [0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee];

fn eth(proto: u16) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&DST);
    v.extend_from_slice(&SRC);
    v.extend_from_slice(&proto.to_be_bytes());
    v
}

fn ipv4(proto: u8, src: [u8; 4], dst: [u8; 4], frag: u16) -> Vec<u8> {
    let mut h = vec![0x45, 0, 0, 40, 0, 0];
    h.extend_from_slice(&frag.to_be_bytes());
    h.extend_from_slice(&[64, proto, 0, 0]);
    h.extend_from_slice(&src);
    h.extend_from_slice(&dst);
    h
}

fn ipv6(next: u8, src: [u8; 16], dst: [u8; 16]) -> Vec<u8> {
    let mut h = vec![0x60, 0, 0, 0, 0, 20, next, 64];
    h.extend_from_slice(&src);
    h.extend_from_slice(&dst);
    h
}

fn ports(sp: u16, dp: u16) -> Vec<u8> {
    let mut v = sp.to_be_bytes().to_vec();
    v.extend_from_slice(&dp.to_be_bytes());
    v.extend_from_slice(&[0; 16]);
    v
}

/// Reference: layer2 = dst[5] ^ src[5] ^ ethertype.
fn ref_l2(proto: u16) -> u32 {
    u32::from(DST[5] ^ SRC[5]) ^ u32::from(proto)
}

/// Reference: fold of (h ^ saddr ^ daddr) as C's bond_ip_hash, addresses as
/// the 32-bit words C loads from memory (native endian).
fn ref_ip(h: u32, s: u32, d: u32, l34: bool) -> u32 {
    let mut x = h ^ s ^ d;
    x ^= x >> 16;
    x ^= x >> 8;
    if l34 {
        x >> 1
    } else {
        x
    }
}

fn w4(a: [u8; 4]) -> u32 {
    u32::from_ne_bytes(a)
}

fn fold6(a: [u8; 16]) -> u32 {
    (0..4).fold(0, |h, i| {
        h ^ u32::from_ne_bytes(a[4 * i..4 * i + 4].try_into().unwrap())
    })
}

fn pkt(data: &[u8], proto: u16) -> Packet<'_> {
    Packet {
        data,
        l2_proto: proto,
        nhoff: 14,
        vlan_tag: None,
    }
}

const S4: [u8; 4] = [10, 0, 0, 1];
const D4: [u8; 4] = [192, 168, 7, 9];

#[test]
fn layer2_and_layer23_ipv4_tcp() {
    let mut f = eth(ETH_P_IP);
    f.extend(ipv4(6, S4, D4, 0));
    f.extend(ports(40000, 80));
    let p = pkt(&f, ETH_P_IP);
    assert_eq!(xmit_hash(P::Layer2, &p, None, None), ref_l2(ETH_P_IP));
    assert_eq!(
        xmit_hash(P::Layer23, &p, None, None),
        ref_ip(ref_l2(ETH_P_IP), w4(S4), w4(D4), false)
    );
    let pw = u32::from_ne_bytes([0x9c, 0x40, 0, 80]);
    assert_eq!(
        xmit_hash(P::Layer34, &p, None, None),
        ref_ip(pw, w4(S4), w4(D4), true)
    );
}

#[test]
fn layer34_udp_spreads_ports() {
    let mut seen = std::collections::HashSet::new();
    for sp in 1000..1064u16 {
        let mut f = eth(ETH_P_IP);
        f.extend(ipv4(17, S4, D4, 0));
        f.extend(ports(sp, 53));
        let p = pkt(&f, ETH_P_IP);
        let pw = u32::from_ne_bytes([(sp >> 8) as u8, sp as u8, 0, 53]);
        let h = xmit_hash(P::Layer34, &p, None, None);
        assert_eq!(h, ref_ip(pw, w4(S4), w4(D4), true));
        seen.insert(h % 2);
    }
    assert_eq!(seen.len(), 2, "layer3+4 must use both of two slaves");
}

#[test]
fn fragments_have_no_ports() {
    let mut f = eth(ETH_P_IP);
    f.extend(ipv4(6, S4, D4, 0x2000)); // MF
    f.extend(ports(1, 2));
    let p = pkt(&f, ETH_P_IP);
    assert_eq!(
        xmit_hash(P::Layer34, &p, None, None),
        ref_ip(0, w4(S4), w4(D4), true)
    );
}

#[test]
fn ipv6_udp() {
    let s6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    let d6 = [
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 2,
    ];
    let mut f = eth(ETH_P_IPV6);
    f.extend(ipv6(17, s6, d6));
    f.extend(ports(5000, 6000));
    let p = pkt(&f, ETH_P_IPV6);
    let pw = u32::from_ne_bytes([0x13, 0x88, 0x17, 0x70]);
    assert_eq!(
        xmit_hash(P::Layer34, &p, None, None),
        ref_ip(pw, fold6(s6), fold6(d6), true)
    );
    assert_eq!(
        xmit_hash(P::Layer23, &p, None, None),
        ref_ip(ref_l2(ETH_P_IPV6), fold6(s6), fold6(d6), false)
    );
}

#[test]
fn icmp_echo_uses_id() {
    let mut f = eth(ETH_P_IP);
    f.extend(ipv4(1, S4, D4, 0));
    f.extend([8, 0, 0, 0, 0x12, 0x34, 0, 1]);
    let p = pkt(&f, ETH_P_IP);
    let id: u16 = 0x1234;
    let idb = id.to_ne_bytes();
    let icmp = u32::from_ne_bytes([8, 0, idb[0], idb[1]]);
    assert_eq!(
        xmit_hash(P::Layer34, &p, None, None),
        ref_ip(icmp, w4(S4), w4(D4), true)
    );
}

#[test]
fn icmp_error_hashes_like_the_inner_flow() {
    // Inner: UDP 10.0.0.1:7000 -> 192.168.7.9:8000, quoted in a port unreachable sent back.
    let mut inner = ipv4(17, S4, D4, 0);
    inner.extend(ports(7000, 8000));
    let mut f = eth(ETH_P_IP);
    f.extend(ipv4(1, [1, 2, 3, 4], [5, 6, 7, 8], 0));
    f.extend([3, 3, 0, 0, 0, 0, 0, 0]);
    f.extend(&inner[..28]);
    let p = pkt(&f, ETH_P_IP);
    let pw = u32::from_ne_bytes([
        (7000u16 >> 8) as u8,
        7000u16 as u8,
        (8000u16 >> 8) as u8,
        8000u16 as u8,
    ]);
    assert_eq!(
        xmit_hash(P::Layer34, &p, None, None),
        ref_ip(pw, w4(S4), w4(D4), true)
    );
}

#[test]
fn vlan_srcmac() {
    let f = eth(ETH_P_IP);
    let mut p = pkt(&f, ETH_P_IP);
    p.vlan_tag = Some(42);
    let vendor = u32::from_be_bytes([0, SRC[0], SRC[1], SRC[2]]);
    let dev = u32::from_be_bytes([0, SRC[3], SRC[4], SRC[5]]);
    assert_eq!(xmit_hash(P::VlanSrcMac, &p, None, None), 42 ^ vendor ^ dev);
}

#[test]
fn non_ip_falls_back_to_layer2() {
    let f = eth(0x0806);
    let p = pkt(&f, 0x0806);
    for pol in [P::Layer23, P::Layer34] {
        assert_eq!(xmit_hash(pol, &p, None, None), ref_l2(0x0806));
    }
    // Truncated IP header: layer2 too.
    let mut f = eth(ETH_P_IP);
    f.extend([0x45, 0, 0]);
    assert_eq!(
        xmit_hash(P::Layer34, &pkt(&f, ETH_P_IP), None, None),
        ref_l2(ETH_P_IP)
    );
}

#[test]
fn encap_uses_the_dissector_keys_and_l4_hash() {
    // GRE-encapsulated flow: the kernel dissector reports the inner flow.
    let f = eth(ETH_P_IP);
    let p = pkt(&f, ETH_P_IP);
    let fk = FlowKeys {
        src: w4(S4),
        dst: w4(D4),
        ports: 0x1111_2222,
        icmp: 0,
        icmp_id: 0,
    };
    assert_eq!(
        xmit_hash(P::Encap34, &p, Some(fk), None),
        ref_ip(0x1111_2222, w4(S4), w4(D4), true)
    );
    assert_eq!(
        xmit_hash(P::Encap23, &p, Some(fk), None),
        ref_ip(ref_l2(ETH_P_IP), w4(S4), w4(D4), false)
    );
    assert_eq!(
        xmit_hash(P::Encap34, &p, Some(fk), Some(0xdead_beef)),
        0xdead_beef
    );
    assert_eq!(xmit_hash(P::Encap23, &p, None, Some(7)), ref_l2(ETH_P_IP));
}

/// IPv4 header with 40 bytes of options (IHL 15): the longest IPv4 header.
fn ipv4_opts(proto: u8, src: [u8; 4], dst: [u8; 4]) -> Vec<u8> {
    let mut h = ipv4(proto, src, dst, 0);
    h[0] = 0x4f;
    h.extend([1; 40]); // NOP options
    h
}

#[test]
fn header_bytes_covers_what_each_policy_reads() {
    use bonding_modes::hash::header_bytes;
    // The deepest frames a policy parses: an ICMP error quoting an inner flow, with IPv4
    // options on both headers (ports at 14 + 60 + 8 + 60 = 142), and the same over IPv6.
    let mut v4 = eth(ETH_P_IP);
    v4.extend(ipv4_opts(1, [1, 2, 3, 4], [5, 6, 7, 8]));
    v4.extend([3, 3, 0, 0, 0, 0, 0, 0]);
    v4.extend(ipv4_opts(17, S4, D4));
    v4.extend(ports(7000, 8000));
    let s6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    let d6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
    let mut v6 = eth(ETH_P_IPV6);
    v6.extend(ipv6(58, d6, s6));
    v6.extend([1, 4, 0, 0, 0, 0, 0, 0]);
    v6.extend(ipv6(17, s6, d6));
    v6.extend(ports(7000, 8000));
    let fk = FlowKeys {
        src: w4(S4),
        dst: w4(D4),
        ports: 7,
        icmp: 0,
        icmp_id: 0,
    };
    for (mut f, proto, deepest) in [(v4, ETH_P_IP, 146), (v6, ETH_P_IPV6, 106)] {
        // Payload beyond the window, so that cutting at the window really cuts.
        f.extend([0xa5; 256]);
        for pol in P::ALL {
            let n = header_bytes(pol);
            assert!(
                n < f.len(),
                "{pol:?}: the frame must be longer than the window"
            );
            let full = xmit_hash(pol, &pkt(&f, proto), Some(fk), None);
            assert_eq!(
                xmit_hash(pol, &pkt(&f[..n], proto), Some(fk), None),
                full,
                "{pol:?}: the window of {n} bytes must hold what the hash reads"
            );
        }
        // And the window is not vacuous: layer3+4 reads up to the inner ports, so a frame
        // cut just before them hashes differently.
        assert_ne!(
            xmit_hash(P::Layer34, &pkt(&f[..deepest - 1], proto), None, None),
            xmit_hash(P::Layer34, &pkt(&f, proto), None, None),
            "layer3+4 must read the inner ports at byte {deepest}"
        );
    }
}

/// C `bond_sk_hash_l34()`: a socket hashes as the layer3+4 hash of its packets (the reference
/// formula, and what `xmit_hash()` reads out of such a packet): IPv4, IPv6, and an IPv6 socket
/// talking to a v4-mapped peer hashes by its IPv4 addresses unless it is IPv6-only.
#[test]
fn socket_hash_is_the_layer34_hash_of_its_packets() {
    let (sp, dp) = (40001u16, 443u16);
    let pw = u32::from_ne_bytes([(sp >> 8) as u8, sp as u8, (dp >> 8) as u8, dp as u8]);
    let v4 = SockAddrs {
        v4_src: S4,
        v4_dst: D4,
        sport: sp.to_be_bytes(),
        dport: dp.to_be_bytes(),
        ..SockAddrs::default()
    };
    let mut f = eth(ETH_P_IP);
    f.extend(ipv4(6, S4, D4, 0));
    f.extend(ports(sp, dp));
    let expect4 = ref_ip(pw, w4(S4), w4(D4), true);
    assert_eq!(sk_hash_l34(&v4), expect4);
    assert_eq!(
        xmit_hash(P::Layer34, &pkt(&f, ETH_P_IP), None, None),
        expect4
    );

    let s6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    let d6 = [
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0xab, 2,
    ];
    let v6 = SockAddrs {
        inet6: true,
        v6_src: s6,
        v6_dst: d6,
        ..v4
    };
    let mut f = eth(ETH_P_IPV6);
    f.extend(ipv6(6, s6, d6));
    f.extend(ports(sp, dp));
    let expect6 = ref_ip(pw, fold6(s6), fold6(d6), true);
    assert_eq!(sk_hash_l34(&v6), expect6);
    assert_eq!(
        xmit_hash(P::Layer34, &pkt(&f, ETH_P_IPV6), None, None),
        expect6
    );

    let mut mapped = [0u8; 16];
    mapped[10] = 0xff;
    mapped[11] = 0xff;
    mapped[12..].copy_from_slice(&D4);
    let m = SockAddrs {
        v6_dst: mapped,
        ..v6
    };
    assert_eq!(
        sk_hash_l34(&m),
        expect4,
        "v4-mapped peer: the IPv4 addresses"
    );
    let only = SockAddrs { v6only: true, ..m };
    assert_eq!(
        sk_hash_l34(&only),
        ref_ip(pw, fold6(s6), fold6(mapped), true),
        "IPv6-only: the IPv6 addresses"
    );
    assert_ne!(expect4, expect6);
}
