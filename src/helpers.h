/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prototypes of the one-line C wrappers in helpers.c: static inline functions
 * and macros of the kernel headers, made callable from Rust (same pattern as
 * the kernel's rust/helpers/). No logic lives here.
 */
#ifndef BONDRS_HELPERS_H
#define BONDRS_HELPERS_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/sysfs.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

void *bondrs_netdev_priv(const struct net_device *dev);
struct net *bondrs_dev_net(const struct net_device *dev);
void bondrs_dev_net_set(struct net_device *dev, struct net *net);
void *bondrs_net_generic(const struct net *net, unsigned int id);
struct net_device *bondrs_first_net_device(struct net *net);
struct net_device *bondrs_next_net_device(struct net_device *dev);
void bondrs_dev_core_stats_tx_dropped_inc(struct net_device *dev);
void bondrs_dev_kfree_skb_any(struct sk_buff *skb);
void bondrs_eth_hw_addr_random(struct net_device *dev);
bool bondrs_is_zero_ether_addr(const u8 *addr);
bool bondrs_is_valid_ether_addr(const u8 *addr);
void bondrs_dev_addr_set(struct net_device *dev, const u8 *addr);
int bondrs_nla_len(const struct nlattr *nla);
void *bondrs_nla_data(const struct nlattr *nla);
void bondrs_netdev_lockdep_set_classes(struct net_device *dev);
void bondrs_sysfs_attr_init(struct attribute *attr);
const struct ns_common *bondrs_net_ns_common(const struct net *net);

#endif
