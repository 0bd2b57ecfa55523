// SPDX-License-Identifier: GPL-2.0

//! ethtool and time stamping views the driver fills in: `get_drvinfo`, `get_ts_info`,
//! `ndo_hwtstamp_get/set`.

use crate::bindings;
use crate::safe::link::ExtAck;
use crate::safe::netdev::NetDevice;
use crate::safe::rtnl::Rtnl;
use core::fmt;
use kernel::{
    error::to_result,
    prelude::*,
    str::NullTerminatedFormatter,
    uaccess::{UserPtr, UserSlice},
};

/// ethtool driver information being filled in (`get_drvinfo`).
pub(crate) struct DrvInfo<'a>(pub(super) &'a mut bindings::ethtool_drvinfo);

fn c_buf(buf: &mut [c_char]) -> &mut [u8] {
    // SAFETY: `c_char` and `u8` have the same size and alignment and any bit
    // pattern is valid for both.
    unsafe { core::slice::from_raw_parts_mut(buf.as_mut_ptr().cast::<u8>(), buf.len()) }
}

fn write_c_buf(buf: &mut [c_char], args: fmt::Arguments<'_>) {
    if let Some(mut f) = NullTerminatedFormatter::new(c_buf(buf)) {
        // Truncation (an error) keeps the NUL-terminated prefix, like strscpy.
        let _ = fmt::Write::write_fmt(&mut f, args);
    }
}

impl DrvInfo<'_> {
    /// `drvinfo->driver`.
    pub(crate) fn set_driver(&mut self, args: fmt::Arguments<'_>) {
        write_c_buf(&mut self.0.driver, args);
    }

    /// `drvinfo->fw_version`.
    pub(crate) fn set_fw_version(&mut self, args: fmt::Arguments<'_>) {
        write_c_buf(&mut self.0.fw_version, args);
    }
}

/// A hardware time stamping configuration being read or set
/// (`ndo_hwtstamp_get`/`ndo_hwtstamp_set`).
pub(crate) struct HwTstamp<'a>(pub(super) &'a mut bindings::kernel_hwtstamp_config);

impl HwTstamp<'_> {
    /// Whether the request carries `HWTSTAMP_FLAG_BONDED_PHC_INDEX`.
    pub(crate) fn bonded_phc_index(&self) -> bool {
        self.0.flags & bindings::HWTSTAMP_FLAG_BONDED_PHC_INDEX != 0
    }

    /// C `generic_hwtstamp_get_lower(dev, cfg)`.
    pub(crate) fn get_lower(&mut self, dev: &NetDevice, _rtnl: &Rtnl) -> Result {
        // SAFETY: `dev` is alive; RTNL held, the ops lock is taken inside.
        to_result(unsafe { bindings::generic_hwtstamp_get_lower(dev.as_ptr(), self.0) })
    }

    /// C `generic_hwtstamp_set_lower(dev, cfg, extack)`.
    pub(crate) fn set_lower(
        &mut self,
        dev: &NetDevice,
        extack: &mut ExtAck<'_>,
        _rtnl: &Rtnl,
    ) -> Result {
        // SAFETY: As in `get_lower`; `extack` is null or the request's.
        to_result(unsafe {
            bindings::generic_hwtstamp_set_lower(dev.as_ptr(), self.0, extack.as_raw())
        })
    }

    /// C `bond_set_phc_index_flag()`: sets `HWTSTAMP_FLAG_BONDED_PHC_INDEX`
    /// in the answer, in user memory if the lower device answered there (a
    /// legacy ioctl implementation).
    pub(crate) fn set_bonded_phc_index(&mut self) -> Result {
        if !self.0.copied_to_user {
            self.0.flags |= bindings::HWTSTAMP_FLAG_BONDED_PHC_INDEX;
            return Ok(());
        }
        // `struct hwtstamp_config` starts with its `int flags`.
        // SAFETY: With `copied_to_user`, `ifr` is the request's `ifreq`, whose
        // `ifr_data` is the user's `hwtstamp_config`.
        let data = unsafe { (*self.0.ifr).ifr_ifru.ifru_data };
        let slice = UserSlice::new(UserPtr::from_ptr(data), size_of::<c_int>());
        let (mut r, mut w) = slice.reader_writer();
        let mut flags = [0u8; size_of::<c_int>()];
        r.read_slice(&mut flags).map_err(|_| EFAULT)?;
        let v = c_int::from_ne_bytes(flags) | bindings::HWTSTAMP_FLAG_BONDED_PHC_INDEX;
        w.write_slice(&v.to_ne_bytes()).map_err(|_| EFAULT)
    }
}

/// Time stamping capabilities being filled in (ethtool `get_ts_info`).
pub(crate) struct TsInfo<'a>(pub(super) &'a mut bindings::kernel_ethtool_ts_info);

impl TsInfo<'_> {
    /// C `ethtool_get_ts_info_by_layer(dev, info)`: the capabilities of `dev`.
    pub(crate) fn fill_from(&mut self, dev: &NetDevice) -> Result {
        // SAFETY: `dev` is alive; `self.0` is valid and ours.
        to_result(unsafe { bindings::ethtool_get_ts_info_by_layer(dev.as_ptr(), self.0) })
    }

    /// Adds `SOF_TIMESTAMPING_TX_SOFTWARE`.
    pub(crate) fn add_tx_software(&mut self) {
        self.0.so_timestamping |= bindings::SOF_TIMESTAMPING_TX_SOFTWARE;
    }
}

impl NetDevice {
    /// Whether the device's time stamping capabilities include software
    /// transmit time stamps (`SOF_TIMESTAMPING_TX_SOFTWARE`).
    pub(crate) fn ts_tx_software(&self) -> Result<bool> {
        // SAFETY: All-zero is a valid (initial) `kernel_ethtool_ts_info`.
        let mut info: bindings::kernel_ethtool_ts_info = unsafe { core::mem::zeroed() };
        TsInfo(&mut info).fill_from(self)?;
        Ok(info.so_timestamping & bindings::SOF_TIMESTAMPING_TX_SOFTWARE != 0)
    }
}
