// SPDX-License-Identifier: GPL-2.0

//! The legacy bonding ioctls (`SIOCBOND*`, the `BOND_*_OLD` private ones)
//! and the MII ioctls, as C `bond_do_ioctl()`, `bond_siocdevprivate()` and
//! `bond_eth_ioctl()` take them.

use crate::bindings;
use core::mem::MaybeUninit;
use kernel::{
    prelude::*,
    uaccess::{UserPtr, UserSlice},
};

/// `struct ifbond` (uapi `if_bonding.h`).
#[derive(Clone, Copy, Default)]
pub(crate) struct IfBond {
    pub(crate) bond_mode: i32,
    pub(crate) num_slaves: i32,
    pub(crate) miimon: i32,
}

/// `struct ifslave` (uapi `if_bonding.h`).
#[derive(Clone, Copy, Default)]
pub(crate) struct IfSlave {
    pub(crate) slave_id: i32,
    pub(crate) slave_name: [u8; 16],
    pub(crate) link: i8,
    pub(crate) state: i8,
    pub(crate) link_failure_count: u32,
}

/// A bonding ioctl request.
pub(crate) enum BondIoctl<'a> {
    /// `SIOCBONDINFOQUERY`: fill `ifbond`.
    InfoQuery(&'a mut IfBond),
    /// `SIOCBONDSLAVEINFOQUERY`: fill `ifslave` for `slave_id`.
    SlaveInfoQuery(&'a mut IfSlave),
    /// `SIOCBONDENSLAVE` of the named device.
    Enslave(&'a CStr),
    /// `SIOCBONDRELEASE`.
    Release(&'a CStr),
    /// `SIOCBONDSETHWADDR`.
    SetHwAddr(&'a CStr),
    /// `SIOCBONDCHANGEACTIVE`.
    ChangeActive(&'a CStr),
}

fn read_user<const N: usize>(p: *mut c_void) -> Result<[u8; N]> {
    let mut buf = [MaybeUninit::<u8>::uninit(); N];
    UserSlice::new(UserPtr::from_ptr(p), N)
        .reader()
        .read_raw(&mut buf)?;
    // SAFETY: `read_raw` initialised all `N` bytes on success.
    Ok(buf.map(|b| unsafe { b.assume_init() }))
}

fn write_user(p: *mut c_void, data: &[u8]) -> Result {
    UserSlice::new(UserPtr::from_ptr(p), data.len())
        .writer()
        .write_slice(data)
}

/// The slave name in `ifr->ifr_slave`.
///
/// # Safety
///
/// `ifr` must be a valid kernel copy of the user's `struct ifreq`.
unsafe fn slave_name<'a>(ifr: *mut bindings::ifreq) -> &'a CStr {
    // SAFETY: `ifr_slave` is a `char[IFNAMSIZ]` member of the union; the
    // ioctl core NUL-terminates... not this member: bound it ourselves.
    unsafe {
        let p = &mut (*ifr).ifr_ifru.ifru_slave;
        p[p.len() - 1] = 0;
        CStr::from_char_ptr(p.as_ptr())
    }
}

/// Dispatches C `bond_do_ioctl()` for `cmd` on `ifr` to `f`.
///
/// # Safety
///
/// `ifr` must be the kernel copy of the caller's `struct ifreq`.
pub(crate) unsafe fn do_ioctl(
    ifr: *mut bindings::ifreq,
    cmd: u32,
    f: impl FnOnce(BondIoctl<'_>) -> Result,
) -> Result {
    match cmd {
        bindings::SIOCBONDINFOQUERY => {
            // SAFETY: `ifr_data` is the user pointer of the request.
            let u = unsafe { (*ifr).ifr_ifru.ifru_data };
            let raw = read_user::<12>(u.cast())?;
            let mut b = IfBond {
                bond_mode: i32::from_ne_bytes([raw[0], raw[1], raw[2], raw[3]]),
                num_slaves: i32::from_ne_bytes([raw[4], raw[5], raw[6], raw[7]]),
                miimon: i32::from_ne_bytes([raw[8], raw[9], raw[10], raw[11]]),
            };
            f(BondIoctl::InfoQuery(&mut b))?;
            let mut out = [0u8; 12];
            out[..4].copy_from_slice(&b.bond_mode.to_ne_bytes());
            out[4..8].copy_from_slice(&b.num_slaves.to_ne_bytes());
            out[8..].copy_from_slice(&b.miimon.to_ne_bytes());
            write_user(u.cast(), &out).map_err(|_| EFAULT)
        }
        bindings::SIOCBONDSLAVEINFOQUERY => {
            // SAFETY: As above.
            let u = unsafe { (*ifr).ifr_ifru.ifru_data };
            // struct ifslave: s32 slave_id; char slave_name[16]; s8 link; s8 state; u32 lfc.
            let raw = read_user::<28>(u.cast())?;
            let mut s = IfSlave {
                slave_id: i32::from_ne_bytes([raw[0], raw[1], raw[2], raw[3]]),
                ..IfSlave::default()
            };
            s.slave_name.copy_from_slice(&raw[4..20]);
            s.link = raw[20] as i8;
            s.state = raw[21] as i8;
            s.link_failure_count = u32::from_ne_bytes([raw[24], raw[25], raw[26], raw[27]]);
            f(BondIoctl::SlaveInfoQuery(&mut s))?;
            let mut out = raw;
            out[4..20].copy_from_slice(&s.slave_name);
            out[20] = s.link as u8;
            out[21] = s.state as u8;
            out[24..28].copy_from_slice(&s.link_failure_count.to_ne_bytes());
            write_user(u.cast(), &out).map_err(|_| EFAULT)
        }
        bindings::SIOCBONDENSLAVE
        | bindings::SIOCBONDRELEASE
        | bindings::SIOCBONDSETHWADDR
        | bindings::SIOCBONDCHANGEACTIVE => {
            // SAFETY: `ifr` is valid (function requirements).
            let name = unsafe { slave_name(ifr) };
            f(match cmd {
                bindings::SIOCBONDENSLAVE => BondIoctl::Enslave(name),
                bindings::SIOCBONDRELEASE => BondIoctl::Release(name),
                bindings::SIOCBONDSETHWADDR => BondIoctl::SetHwAddr(name),
                _ => BondIoctl::ChangeActive(name),
            })
        }
        _ => Err(EOPNOTSUPP),
    }
}

/// C `bond_siocdevprivate()`: maps the `BOND_*_OLD` private ioctls.
pub(crate) fn old_to_new(cmd: u32) -> Option<(u32, bool)> {
    // (new command, takes the data pointer as ifr_data)
    Some(match cmd {
        bindings::BOND_INFO_QUERY_OLD => (bindings::SIOCBONDINFOQUERY, true),
        bindings::BOND_SLAVE_INFO_QUERY_OLD => (bindings::SIOCBONDSLAVEINFOQUERY, true),
        bindings::BOND_ENSLAVE_OLD => (bindings::SIOCBONDENSLAVE, false),
        bindings::BOND_RELEASE_OLD => (bindings::SIOCBONDRELEASE, false),
        bindings::BOND_SETHWADDR_OLD => (bindings::SIOCBONDSETHWADDR, false),
        bindings::BOND_CHANGE_ACTIVE_OLD => (bindings::SIOCBONDCHANGEACTIVE, false),
        _ => return None,
    })
}

/// C `bond_eth_ioctl()`: SIOCGMIIPHY / SIOCGMIIREG report the carrier in
/// register 1 (`BMSR_LSTATUS`).
///
/// # Safety
///
/// `ifr` must be the kernel copy of the caller's `struct ifreq`.
pub(crate) unsafe fn mii_ioctl(ifr: *mut bindings::ifreq, cmd: u32, carrier: bool) -> Result {
    // SAFETY: `if_mii()`: the MII data overlays the ifreq union.
    let mii = unsafe { &mut *(&raw mut (*ifr).ifr_ifru).cast::<bindings::mii_ioctl_data>() };
    match cmd {
        bindings::SIOCGMIIPHY => mii.phy_id = 0,
        bindings::SIOCGMIIREG => {}
        _ => return Err(EOPNOTSUPP),
    }
    if mii.reg_num == 1 {
        mii.val_out = if carrier {
            bindings::BMSR_LSTATUS as u16
        } else {
            0
        };
    }
    Ok(())
}
