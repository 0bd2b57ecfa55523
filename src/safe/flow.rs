// SPDX-License-Identifier: GPL-2.0

//! The kernel flow dissector with C bonding's key set (`flow_keys_bonding`),
//! for the `encap2+3` / `encap3+4` transmit hash policies.

use crate::bindings;
use crate::modes::hash::FlowKeys;
use crate::safe::netdev::SkBuff;
use core::cell::UnsafeCell;
use kernel::prelude::*;

struct Dissector(UnsafeCell<bindings::flow_dissector>);

// SAFETY: Written once by `init()` at module load, before any bond exists;
// read-only afterwards.
unsafe impl Sync for Dissector {}

static DISSECTOR: Dissector = Dissector(UnsafeCell::new(
    // SAFETY: All-zero is the valid uninitialised state (C static).
    unsafe { core::mem::zeroed() },
));

/// C `skb_flow_dissector_init(&flow_keys_bonding, ...)` (module init).
pub(crate) fn init() {
    use core::mem::offset_of;
    type K = bindings::flow_keys;
    let addrs = offset_of!(K, addrs);
    let keys: [(u32, usize); 10] = [
        (
            bindings::flow_dissector_key_id_FLOW_DISSECTOR_KEY_CONTROL,
            offset_of!(K, control),
        ),
        (
            bindings::flow_dissector_key_id_FLOW_DISSECTOR_KEY_BASIC,
            offset_of!(K, basic),
        ),
        (
            bindings::flow_dissector_key_id_FLOW_DISSECTOR_KEY_IPV4_ADDRS,
            addrs + offset_of!(bindings::flow_dissector_key_addrs__bindgen_ty_1, v4addrs),
        ),
        (
            bindings::flow_dissector_key_id_FLOW_DISSECTOR_KEY_IPV6_ADDRS,
            addrs + offset_of!(bindings::flow_dissector_key_addrs__bindgen_ty_1, v6addrs),
        ),
        (
            bindings::flow_dissector_key_id_FLOW_DISSECTOR_KEY_TIPC,
            addrs + offset_of!(bindings::flow_dissector_key_addrs__bindgen_ty_1, tipckey),
        ),
        (
            bindings::flow_dissector_key_id_FLOW_DISSECTOR_KEY_PORTS,
            offset_of!(K, ports),
        ),
        (
            bindings::flow_dissector_key_id_FLOW_DISSECTOR_KEY_ICMP,
            offset_of!(K, icmp),
        ),
        (
            bindings::flow_dissector_key_id_FLOW_DISSECTOR_KEY_VLAN,
            offset_of!(K, vlan),
        ),
        (
            bindings::flow_dissector_key_id_FLOW_DISSECTOR_KEY_FLOW_LABEL,
            offset_of!(K, tags),
        ),
        (
            bindings::flow_dissector_key_id_FLOW_DISSECTOR_KEY_GRE_KEYID,
            offset_of!(K, keyid),
        ),
    ];
    // SAFETY: All-zero is valid for this plain C struct array.
    let mut arr: [bindings::flow_dissector_key; 10] = unsafe { core::mem::zeroed() };
    for (a, (id, off)) in arr.iter_mut().zip(keys) {
        a.key_id = id;
        a.offset = off;
    }
    // SAFETY: Module init, before any reader; the key array is only read
    // during the call.
    unsafe {
        bindings::skb_flow_dissector_init(DISSECTOR.0.get(), arr.as_ptr(), arr.len() as c_uint)
    };
}

/// C `bond_flow_dissect()`'s `__skb_flow_dissect(dev_net(bond->dev), NULL, &flow_keys_bonding,
/// fk, data, l2_proto, nhoff, hlen, 0)` over linear data without an skb (`bond_xmit_hash_xdp()`:
/// an XDP packet, from its Ethernet header; `l2_proto` as in the header, network order), the
/// fields `__bond_xmit_hash()` uses; `None` if dissection failed.
pub(crate) fn data_flow_keys(
    net: &crate::safe::netdev::Net,
    data: &[u8],
    l2_proto_be: u16,
    nhoff: usize,
) -> Option<FlowKeys> {
    let nhoff = c_int::try_from(nhoff).ok()?;
    let hlen = c_int::try_from(data.len()).ok()?;
    // SAFETY: All-zero is valid (`memset(fk, 0, ...)` in C).
    let mut fk: bindings::flow_keys = unsafe { core::mem::zeroed() };
    // SAFETY: Without an skb the dissector reads only `data[..hlen]` (valid bytes) and the
    // namespace (a live one); the dissector was initialised at module load; `fk` is a
    // `struct flow_keys` matching the key offsets.
    let ok = unsafe {
        bindings::__skb_flow_dissect(
            net.as_ptr(),
            core::ptr::null(),
            DISSECTOR.0.get(),
            (&raw mut fk).cast(),
            data.as_ptr().cast_mut().cast(),
            l2_proto_be,
            nhoff,
            hlen,
            0,
        )
    };
    if !ok {
        return None;
    }
    Some(keys_of(&fk))
}

/// The fields of `fk` that `__bond_xmit_hash()` uses.
fn keys_of(fk: &bindings::flow_keys) -> FlowKeys {
    // SAFETY: `fk` is initialised; these read the address union per type.
    let (src, dst) = unsafe {
        (
            bindings::flow_get_u32_src(fk),
            bindings::flow_get_u32_dst(fk),
        )
    };
    // SAFETY: The ports union is plain data.
    let ports = unsafe { fk.ports.__bindgen_anon_1.ports };
    let (ty, code, id) = (
        fk.icmp.__bindgen_anon_1.type_,
        fk.icmp.__bindgen_anon_1.code,
        fk.icmp.id,
    );
    let idb = id.to_ne_bytes();
    FlowKeys {
        src,
        dst,
        ports,
        icmp: u32::from_ne_bytes([ty, code, idb[0], idb[1]]),
        icmp_id: id,
    }
}

impl SkBuff {
    /// C `__skb_flow_dissect(NULL, skb, &flow_keys_bonding, fk, skb->data, skb->protocol,
    /// skb_network_offset(skb), skb_headlen(skb), 0)` (`bond_flow_dissect()`; the dissector
    /// takes the namespace from `skb->dev`, the bond) and the fields `__bond_xmit_hash()` uses;
    /// `None` if dissection failed.
    #[inline]
    pub(crate) fn flow_keys(&self) -> Option<FlowKeys> {
        let skb = self.raw();
        let nhoff = c_int::try_from(self.network_offset_raw()).ok()?;
        // SAFETY: All-zero is valid (`memset(fk, 0, ...)` in C).
        let mut fk: bindings::flow_keys = unsafe { core::mem::zeroed() };
        // SAFETY: We own a valid skb (its fields read in line, as C's inlines do); the dissector
        // was initialised at module load; `fk` is a `struct flow_keys` matching the key offsets.
        let ok = unsafe {
            bindings::__skb_flow_dissect(
                core::ptr::null(),
                skb,
                DISSECTOR.0.get(),
                (&raw mut fk).cast(),
                (*skb).data.cast(),
                (*crate::safe::skb::hdrs(skb)).protocol,
                nhoff,
                (*skb).len.wrapping_sub((*skb).data_len) as c_int,
                0,
            )
        };
        if !ok {
            return None;
        }
        Some(keys_of(&fk))
    }
}
