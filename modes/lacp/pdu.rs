// SPDX-License-Identifier: GPL-2.0

//! Encoding and decoding of the slow-protocol PDUs: C `struct lacpdu` and `struct bond_marker`
//! (`include/net/bond_3ad.h`, `#pragma pack(1)`), the body after the 14-byte Ethernet header.
//!
//! Multi-byte fields of the LACPDU are in network byte order (C's `__be16` and `htons()`).
//! C never converts the marker's fields (it only echoes them back), so the marker's `u16`/`u32`
//! are read here in network byte order as well: encoding gives back the same bytes.
//! Decoding never fails on a full-size buffer and takes any byte values.

use super::{LACPDU_LEN, MARKER_LEN};

/// C `AD_TYPE_LACPDU`: slow-protocol subtype of a LACPDU.
pub const AD_TYPE_LACPDU: u8 = 1;
/// C `AD_TYPE_MARKER`: slow-protocol subtype of a Marker PDU.
pub const AD_TYPE_MARKER: u8 = 2;
/// C `AD_MARKER_INFORMATION_SUBTYPE`: marker information TLV.
pub const AD_MARKER_INFORMATION_SUBTYPE: u8 = 1;
/// C `AD_MARKER_RESPONSE_SUBTYPE`: marker response TLV.
pub const AD_MARKER_RESPONSE_SUBTYPE: u8 = 2;
/// C `AD_COLLECTOR_MAX_DELAY`.
pub const AD_COLLECTOR_MAX_DELAY: u16 = 0;

/// C `struct lacpdu` (802.3ad 43.4.2.2), host representation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lacpdu {
    /// `subtype` (= 1, LACP).
    pub subtype: u8,
    /// `version_number` (= 1).
    pub version_number: u8,
    /// `tlv_type_actor_info` (= 1).
    pub tlv_type_actor_info: u8,
    /// `actor_information_length` (= 20).
    pub actor_information_length: u8,
    /// `actor_system_priority`.
    pub actor_system_priority: u16,
    /// `actor_system`.
    pub actor_system: [u8; 6],
    /// `actor_key`.
    pub actor_key: u16,
    /// `actor_port_priority`.
    pub actor_port_priority: u16,
    /// `actor_port`.
    pub actor_port: u16,
    /// `actor_state` (`LACP_STATE_*` bits).
    pub actor_state: u8,
    /// `reserved_3_1`.
    pub reserved_3_1: [u8; 3],
    /// `tlv_type_partner_info` (= 2).
    pub tlv_type_partner_info: u8,
    /// `partner_information_length` (= 20).
    pub partner_information_length: u8,
    /// `partner_system_priority`.
    pub partner_system_priority: u16,
    /// `partner_system`.
    pub partner_system: [u8; 6],
    /// `partner_key`.
    pub partner_key: u16,
    /// `partner_port_priority`.
    pub partner_port_priority: u16,
    /// `partner_port`.
    pub partner_port: u16,
    /// `partner_state` (`LACP_STATE_*` bits).
    pub partner_state: u8,
    /// `reserved_3_2`.
    pub reserved_3_2: [u8; 3],
    /// `tlv_type_collector_info` (= 3).
    pub tlv_type_collector_info: u8,
    /// `collector_information_length` (= 16).
    pub collector_information_length: u8,
    /// `collector_max_delay`.
    pub collector_max_delay: u16,
    /// `reserved_12`.
    pub reserved_12: [u8; 12],
    /// `tlv_type_terminator` (= 0).
    pub tlv_type_terminator: u8,
    /// `terminator_length` (= 0).
    pub terminator_length: u8,
    /// `reserved_50`.
    pub reserved_50: [u8; 50],
}

/// A fixed-size cursor over a PDU buffer; offsets are constants, so nothing can go out of range.
struct Rd<'a, const N: usize> {
    b: &'a [u8; N],
    at: usize,
}

impl<const N: usize> Rd<'_, N> {
    fn u8(&mut self) -> u8 {
        let v = self.b.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        v
    }
    fn be16(&mut self) -> u16 {
        u16::from_be_bytes([self.u8(), self.u8()])
    }
    fn be32(&mut self) -> u32 {
        u32::from_be_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    fn arr<const M: usize>(&mut self) -> [u8; M] {
        let mut a = [0u8; M];
        for x in a.iter_mut() {
            *x = self.u8();
        }
        a
    }
}

struct Wr<const N: usize> {
    b: [u8; N],
    at: usize,
}

impl<const N: usize> Wr<N> {
    fn new() -> Self {
        Wr { b: [0; N], at: 0 }
    }
    fn u8(&mut self, v: u8) {
        if let Some(x) = self.b.get_mut(self.at) {
            *x = v;
        }
        self.at += 1;
    }
    fn bytes(&mut self, v: &[u8]) {
        for &x in v {
            self.u8(x);
        }
    }
    fn be16(&mut self, v: u16) {
        self.bytes(&v.to_be_bytes());
    }
    fn be32(&mut self, v: u32) {
        self.bytes(&v.to_be_bytes());
    }
}

impl Lacpdu {
    /// The constant part C `ad_initialize_port()` copies into `port->lacpdu`: subtype 1,
    /// version 1, TLV 1 length 20, TLV 2 length 20, TLV 3 length 16 with
    /// `collector_max_delay = AD_COLLECTOR_MAX_DELAY`, everything else 0.
    pub const TEMPLATE: Lacpdu = Lacpdu {
        subtype: AD_TYPE_LACPDU,
        version_number: 0x01,
        tlv_type_actor_info: 0x01,
        actor_information_length: 0x14,
        actor_system_priority: 0,
        actor_system: [0; 6],
        actor_key: 0,
        actor_port_priority: 0,
        actor_port: 0,
        actor_state: 0,
        reserved_3_1: [0; 3],
        tlv_type_partner_info: 0x02,
        partner_information_length: 0x14,
        partner_system_priority: 0,
        partner_system: [0; 6],
        partner_key: 0,
        partner_port_priority: 0,
        partner_port: 0,
        partner_state: 0,
        reserved_3_2: [0; 3],
        tlv_type_collector_info: 0x03,
        collector_information_length: 0x10,
        collector_max_delay: AD_COLLECTOR_MAX_DELAY,
        reserved_12: [0; 12],
        tlv_type_terminator: 0,
        terminator_length: 0,
        reserved_50: [0; 50],
    };

    /// The wire bytes (C's packed struct, `htons()` fields).
    pub fn encode(&self) -> [u8; LACPDU_LEN] {
        let mut w = Wr::<LACPDU_LEN>::new();
        w.u8(self.subtype);
        w.u8(self.version_number);
        w.u8(self.tlv_type_actor_info);
        w.u8(self.actor_information_length);
        w.be16(self.actor_system_priority);
        w.bytes(&self.actor_system);
        w.be16(self.actor_key);
        w.be16(self.actor_port_priority);
        w.be16(self.actor_port);
        w.u8(self.actor_state);
        w.bytes(&self.reserved_3_1);
        w.u8(self.tlv_type_partner_info);
        w.u8(self.partner_information_length);
        w.be16(self.partner_system_priority);
        w.bytes(&self.partner_system);
        w.be16(self.partner_key);
        w.be16(self.partner_port_priority);
        w.be16(self.partner_port);
        w.u8(self.partner_state);
        w.bytes(&self.reserved_3_2);
        w.u8(self.tlv_type_collector_info);
        w.u8(self.collector_information_length);
        w.be16(self.collector_max_delay);
        w.bytes(&self.reserved_12);
        w.u8(self.tlv_type_terminator);
        w.u8(self.terminator_length);
        w.bytes(&self.reserved_50);
        w.b
    }

    /// The fields of a full-size body (any bytes are accepted, as C reads them).
    pub fn decode(b: &[u8; LACPDU_LEN]) -> Lacpdu {
        let mut r = Rd { b, at: 0 };
        Lacpdu {
            subtype: r.u8(),
            version_number: r.u8(),
            tlv_type_actor_info: r.u8(),
            actor_information_length: r.u8(),
            actor_system_priority: r.be16(),
            actor_system: r.arr(),
            actor_key: r.be16(),
            actor_port_priority: r.be16(),
            actor_port: r.be16(),
            actor_state: r.u8(),
            reserved_3_1: r.arr(),
            tlv_type_partner_info: r.u8(),
            partner_information_length: r.u8(),
            partner_system_priority: r.be16(),
            partner_system: r.arr(),
            partner_key: r.be16(),
            partner_port_priority: r.be16(),
            partner_port: r.be16(),
            partner_state: r.u8(),
            reserved_3_2: r.arr(),
            tlv_type_collector_info: r.u8(),
            collector_information_length: r.u8(),
            collector_max_delay: r.be16(),
            reserved_12: r.arr(),
            tlv_type_terminator: r.u8(),
            terminator_length: r.u8(),
            reserved_50: r.arr(),
        }
    }

    /// Like C `skb_header_pointer(skb, 0, sizeof(struct lacpdu))`: `None` when `body` is
    /// shorter than [`LACPDU_LEN`]; bytes beyond it are ignored.
    pub fn parse(body: &[u8]) -> Option<Lacpdu> {
        let b: &[u8; LACPDU_LEN] = body.get(..LACPDU_LEN)?.try_into().ok()?;
        Some(Lacpdu::decode(b))
    }
}

/// C `struct bond_marker` (802.3ad 43.5.3.2), host representation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marker {
    /// `subtype` (= 2, marker PDU).
    pub subtype: u8,
    /// `version_number` (= 1).
    pub version_number: u8,
    /// `tlv_type`: [`AD_MARKER_INFORMATION_SUBTYPE`] or [`AD_MARKER_RESPONSE_SUBTYPE`].
    pub tlv_type: u8,
    /// `marker_length` (= 0x16).
    pub marker_length: u8,
    /// `requester_port`.
    pub requester_port: u16,
    /// `requester_system`.
    pub requester_system: [u8; 6],
    /// `requester_transaction_id`.
    pub requester_transaction_id: u32,
    /// `pad`.
    pub pad: u16,
    /// `tlv_type_terminator` (= 0).
    pub tlv_type_terminator: u8,
    /// `terminator_length` (= 0).
    pub terminator_length: u8,
    /// `reserved_90`.
    pub reserved_90: [u8; 90],
}

impl Marker {
    /// The wire bytes.
    pub fn encode(&self) -> [u8; MARKER_LEN] {
        let mut w = Wr::<MARKER_LEN>::new();
        w.u8(self.subtype);
        w.u8(self.version_number);
        w.u8(self.tlv_type);
        w.u8(self.marker_length);
        w.be16(self.requester_port);
        w.bytes(&self.requester_system);
        w.be32(self.requester_transaction_id);
        w.be16(self.pad);
        w.u8(self.tlv_type_terminator);
        w.u8(self.terminator_length);
        w.bytes(&self.reserved_90);
        w.b
    }

    /// The fields of a full-size body (any bytes are accepted).
    pub fn decode(b: &[u8; MARKER_LEN]) -> Marker {
        let mut r = Rd { b, at: 0 };
        Marker {
            subtype: r.u8(),
            version_number: r.u8(),
            tlv_type: r.u8(),
            marker_length: r.u8(),
            requester_port: r.be16(),
            requester_system: r.arr(),
            requester_transaction_id: r.be32(),
            pad: r.be16(),
            tlv_type_terminator: r.u8(),
            terminator_length: r.u8(),
            reserved_90: r.arr(),
        }
    }

    /// `None` when `body` is shorter than [`MARKER_LEN`]; bytes beyond it are ignored.
    pub fn parse(body: &[u8]) -> Option<Marker> {
        let b: &[u8; MARKER_LEN] = body.get(..MARKER_LEN)?.try_into().ok()?;
        Some(Marker::decode(b))
    }

    /// C `ad_marker_info_received()`: the response is the received marker with `tlv_type`
    /// changed to [`AD_MARKER_RESPONSE_SUBTYPE`].
    pub fn response(&self) -> Marker {
        Marker {
            tlv_type: AD_MARKER_RESPONSE_SUBTYPE,
            ..*self
        }
    }
}
