// SPDX-License-Identifier: GPL-2.0
/*
 * One-line wrappers of static inline functions and macros for the Rust code
 * (pattern of the kernel's rust/helpers/). Keep every function a single
 * forwarding statement: logic belongs in Rust.
 */

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/sysfs.h>
#include <net/net_namespace.h>
#include <net/netdev_lock.h>
#include <net/netlink.h>
#include <net/netns/generic.h>

#include "helpers.h"

void *bondrs_netdev_priv(const struct net_device *dev) { return netdev_priv(dev); }
struct net *bondrs_dev_net(const struct net_device *dev) { return dev_net(dev); }
void bondrs_dev_net_set(struct net_device *dev, struct net *net) { dev_net_set(dev, net); }
void *bondrs_net_generic(const struct net *net, unsigned int id) { return net_generic(net, id); }
struct net_device *bondrs_first_net_device(struct net *net) { return first_net_device(net); }
struct net_device *bondrs_next_net_device(struct net_device *dev) { return next_net_device(dev); }
void bondrs_dev_core_stats_tx_dropped_inc(struct net_device *dev) { dev_core_stats_tx_dropped_inc(dev); }
void bondrs_dev_kfree_skb_any(struct sk_buff *skb) { dev_kfree_skb_any(skb); }
void bondrs_eth_hw_addr_random(struct net_device *dev) { eth_hw_addr_random(dev); }
bool bondrs_is_zero_ether_addr(const u8 *addr) { return is_zero_ether_addr(addr); }
bool bondrs_is_valid_ether_addr(const u8 *addr) { return is_valid_ether_addr(addr); }
void bondrs_dev_addr_set(struct net_device *dev, const u8 *addr) { dev_addr_set(dev, addr); }
int bondrs_nla_len(const struct nlattr *nla) { return nla_len(nla); }
void *bondrs_nla_data(const struct nlattr *nla) { return nla_data(nla); }
void bondrs_netdev_lockdep_set_classes(struct net_device *dev) { netdev_lockdep_set_classes(dev); }
void bondrs_sysfs_attr_init(struct attribute *attr) { sysfs_attr_init(attr); }
const struct ns_common *bondrs_net_ns_common(const struct net *net) { return to_ns_common(net); }
