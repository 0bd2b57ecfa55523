/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Header that bindgen turns into `src/bindings_generated.rs` (see
 * scripts/gen-bindings.sh). Only what bonding-rs uses is allowlisted there.
 *
 * `RUST_CONST_HELPER_X` constants carry the values of C macros bindgen cannot
 * evaluate (casts, shifts of typed values); the prefix is stripped after
 * generation, like the kernel's own rust/bindings/bindings_helper.h.
 */

#include <linux/errno.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_bonding.h>
#include <linux/if_link.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/notifier.h>
#include <linux/netpoll.h>
#include <linux/net_tstamp.h>
#include <linux/mii.h>
#include <linux/sockios.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/workqueue.h>
#include <linux/capability.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/netdev_features.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/sysfs.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/rtnetlink.h>
#include <net/xfrm.h>
#include <linux/inetdevice.h>
#include <net/addrconf.h>
#include <net/arp.h>
#include <net/ndisc.h>
#include <net/sch_generic.h>
#include <linux/percpu.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <linux/ipv6.h>
#include <net/neighbour.h>
#include <net/tls.h>
#include <linux/bpf.h>
#include <net/xdp.h>

#include "helpers.h"

/* include/net/bonding.h (not included: it drags in the whole C driver API). */
const int RUST_CONST_HELPER_BOND_DEFAULT_MIIMON = 100;
const int RUST_CONST_HELPER_BOND_MAX_ARP_TARGETS = 16;
const int RUST_CONST_HELPER_ARPOP_REQUEST = ARPOP_REQUEST;
const int RUST_CONST_HELPER_ARPOP_REPLY = ARPOP_REPLY;
const int RUST_CONST_HELPER_ETH_P_8021Q = ETH_P_8021Q;
const int RUST_CONST_HELPER_ETH_P_ARP = ETH_P_ARP;
const int RUST_CONST_HELPER_ETH_P_IPV6 = ETH_P_IPV6;
const int RUST_CONST_HELPER_RT_SCOPE_HOST = RT_SCOPE_HOST;
const u8 RUST_CONST_HELPER_PACKET_OTHERHOST = PACKET_OTHERHOST;
const u8 RUST_CONST_HELPER_PACKET_LOOPBACK = PACKET_LOOPBACK;
const gfp_t RUST_CONST_HELPER_GFP_ATOMIC = GFP_ATOMIC;

/* BOND_XFRM_FEATURES: IPsec offload, only in active-backup. */
const netdev_features_t RUST_CONST_HELPER_BONDRS_XFRM_FEATURES =
	NETIF_F_HW_ESP | NETIF_F_HW_ESP_TX_CSUM | NETIF_F_GSO_ESP;
const u8 RUST_CONST_HELPER_XFRM_STATE_DEAD = XFRM_STATE_DEAD;

/* Time stamping. */
const u32 RUST_CONST_HELPER_SOF_TIMESTAMPING_TX_SOFTWARE = SOF_TIMESTAMPING_TX_SOFTWARE;
const int RUST_CONST_HELPER_HWTSTAMP_FLAG_BONDED_PHC_INDEX = HWTSTAMP_FLAG_BONDED_PHC_INDEX;

/* Extended link statistics (RTM_GETSTATS). */
const int RUST_CONST_HELPER_IFLA_STATS_LINK_XSTATS = IFLA_STATS_LINK_XSTATS;
const int RUST_CONST_HELPER_IFLA_STATS_LINK_XSTATS_SLAVE = IFLA_STATS_LINK_XSTATS_SLAVE;
const int RUST_CONST_HELPER_LINK_XSTATS_TYPE_BOND = LINK_XSTATS_TYPE_BOND;

/* bond_setup(): features of a bond with no slaves. */
const netdev_features_t RUST_CONST_HELPER_BONDRS_HW_FEATURES =
	MASTER_UPPER_DEV_VLAN_FEATURES | NETIF_F_HW_VLAN_CTAG_RX |
	NETIF_F_HW_VLAN_CTAG_FILTER | NETIF_F_HW_VLAN_STAG_RX |
	NETIF_F_HW_VLAN_STAG_FILTER | NETIF_F_GSO_ENCAP_ALL;
const netdev_features_t RUST_CONST_HELPER_BONDRS_EXTRA_FEATURES =
	NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_STAG_TX | NETIF_F_GSO_PARTIAL;

const unsigned int RUST_CONST_HELPER_IFF_MASTER = IFF_MASTER;
const unsigned long long RUST_CONST_HELPER_IFF_BONDING = IFF_BONDING;
const unsigned long long RUST_CONST_HELPER_IFF_UNICAST_FLT = IFF_UNICAST_FLT;
const unsigned long long RUST_CONST_HELPER_IFF_NO_QUEUE = IFF_NO_QUEUE;
const unsigned long long RUST_CONST_HELPER_IFF_XMIT_DST_RELEASE = IFF_XMIT_DST_RELEASE;
const unsigned long long RUST_CONST_HELPER_IFF_TX_SKB_SHARING = IFF_TX_SKB_SHARING;
const unsigned int RUST_CONST_HELPER_ETH_MAX_MTU = ETH_MAX_MTU;
const unsigned int RUST_CONST_HELPER_ETH_ALEN = ETH_ALEN;
const unsigned int RUST_CONST_HELPER_MAX_ADDR_LEN = MAX_ADDR_LEN;
const unsigned int RUST_CONST_HELPER_IFNAMSIZ = IFNAMSIZ;
const unsigned int RUST_CONST_HELPER_IFLA_BOND_MAX = IFLA_BOND_MAX;
const unsigned char RUST_CONST_HELPER_NET_NAME_UNKNOWN = NET_NAME_UNKNOWN;
const int RUST_CONST_HELPER_NET_XMIT_DROP = NET_XMIT_DROP;
const int RUST_CONST_HELPER_BOND_ABI_VERSION = BOND_ABI_VERSION;
const int RUST_CONST_HELPER_BOND_DEFAULT_MAX_BONDS = BOND_DEFAULT_MAX_BONDS;
const int RUST_CONST_HELPER_BOND_DEFAULT_TX_QUEUES = BOND_DEFAULT_TX_QUEUES;
const int RUST_CONST_HELPER_BOND_DEFAULT_RESEND_IGMP = BOND_DEFAULT_RESEND_IGMP;
const unsigned long RUST_CONST_HELPER_PAGE_SIZE = PAGE_SIZE;
const unsigned int RUST_CONST_HELPER_NET_ADDR_PERM = NET_ADDR_PERM;
const unsigned int RUST_CONST_HELPER_IFLA_MAX = IFLA_MAX;
const unsigned int RUST_CONST_HELPER_IFF_UP = IFF_UP;
const unsigned int RUST_CONST_HELPER_IFF_SLAVE = IFF_SLAVE;
const unsigned int RUST_CONST_HELPER_IFF_PROMISC = IFF_PROMISC;
const unsigned int RUST_CONST_HELPER_IFF_ALLMULTI = IFF_ALLMULTI;
const unsigned long long RUST_CONST_HELPER_IFF_NO_ADDRCONF = IFF_NO_ADDRCONF;
const unsigned long long RUST_CONST_HELPER_NETIF_F_VLAN_CHALLENGED = NETIF_F_VLAN_CHALLENGED;
const unsigned long long RUST_CONST_HELPER_NETIF_F_LRO = NETIF_F_LRO;
const unsigned short RUST_CONST_HELPER_ARPHRD_ETHER = ARPHRD_ETHER;
const unsigned short RUST_CONST_HELPER_ARPHRD_CAN = ARPHRD_CAN;
const unsigned short RUST_CONST_HELPER_ARPHRD_INFINIBAND = ARPHRD_INFINIBAND;
const unsigned int RUST_CONST_HELPER_NET_ADDR_RANDOM = NET_ADDR_RANDOM;
const unsigned int RUST_CONST_HELPER_NET_ADDR_STOLEN = NET_ADDR_STOLEN;
const unsigned int RUST_CONST_HELPER_SPEED_UNKNOWN = SPEED_UNKNOWN;
const unsigned char RUST_CONST_HELPER_DUPLEX_UNKNOWN = DUPLEX_UNKNOWN;
const unsigned char RUST_CONST_HELPER_DUPLEX_FULL = DUPLEX_FULL;
const unsigned char RUST_CONST_HELPER_DUPLEX_HALF = DUPLEX_HALF;
const unsigned char RUST_CONST_HELPER_PACKET_BROADCAST = PACKET_BROADCAST;
const unsigned char RUST_CONST_HELPER_PACKET_MULTICAST = PACKET_MULTICAST;
const int RUST_CONST_HELPER_NOTIFY_DONE = NOTIFY_DONE;
const unsigned int RUST_CONST_HELPER_IFLA_BOND_SLAVE_MAX = IFLA_BOND_SLAVE_MAX;
const unsigned int RUST_CONST_HELPER_IFF_POINTOPOINT = IFF_POINTOPOINT;
const unsigned int RUST_CONST_HELPER_IFF_BROADCAST = IFF_BROADCAST;
const unsigned int RUST_CONST_HELPER_IFF_MULTICAST = IFF_MULTICAST;
const unsigned int RUST_CONST_HELPER_IFF_NOARP = IFF_NOARP;
const unsigned int RUST_CONST_HELPER_SIOCBONDENSLAVE = SIOCBONDENSLAVE;
const unsigned int RUST_CONST_HELPER_SIOCBONDRELEASE = SIOCBONDRELEASE;
const unsigned int RUST_CONST_HELPER_SIOCBONDSETHWADDR = SIOCBONDSETHWADDR;
const unsigned int RUST_CONST_HELPER_SIOCBONDSLAVEINFOQUERY = SIOCBONDSLAVEINFOQUERY;
const unsigned int RUST_CONST_HELPER_SIOCBONDINFOQUERY = SIOCBONDINFOQUERY;
const unsigned int RUST_CONST_HELPER_SIOCBONDCHANGEACTIVE = SIOCBONDCHANGEACTIVE;
const unsigned int RUST_CONST_HELPER_BOND_ENSLAVE_OLD = BOND_ENSLAVE_OLD;
const unsigned int RUST_CONST_HELPER_BOND_RELEASE_OLD = BOND_RELEASE_OLD;
const unsigned int RUST_CONST_HELPER_BOND_SETHWADDR_OLD = BOND_SETHWADDR_OLD;
const unsigned int RUST_CONST_HELPER_BOND_SLAVE_INFO_QUERY_OLD = BOND_SLAVE_INFO_QUERY_OLD;
const unsigned int RUST_CONST_HELPER_BOND_INFO_QUERY_OLD = BOND_INFO_QUERY_OLD;
const unsigned int RUST_CONST_HELPER_BOND_CHANGE_ACTIVE_OLD = BOND_CHANGE_ACTIVE_OLD;
const unsigned int RUST_CONST_HELPER_SIOCGMIIPHY = SIOCGMIIPHY;
const unsigned int RUST_CONST_HELPER_SIOCGMIIREG = SIOCGMIIREG;
const unsigned int RUST_CONST_HELPER_BMSR_LSTATUS = BMSR_LSTATUS;

/*
 * struct sock as C lays it out. bindgen drops the tagged anonymous struct of socket_lock_t
 * (`struct slock_owned { ... };` inside a union, an -fms-extensions member), so its struct sock
 * is 64 bytes short from sk_lock on (7.3, lockdep): the Rust side reads a socket's fields at
 * the offsets clang computes here (src/safe/skb.rs, sk_field()).
 */
const size_t RUST_CONST_HELPER_BONDRS_SKC_FAMILY_OFF = offsetof(struct sock, __sk_common.skc_family);
const size_t RUST_CONST_HELPER_BONDRS_SKC_STATE_OFF = offsetof(struct sock, __sk_common.skc_state);
const size_t RUST_CONST_HELPER_BONDRS_SKC_DADDR_OFF = offsetof(struct sock, __sk_common.skc_daddr);
const size_t RUST_CONST_HELPER_BONDRS_SKC_RCV_SADDR_OFF = offsetof(struct sock, __sk_common.skc_rcv_saddr);
const size_t RUST_CONST_HELPER_BONDRS_SKC_DPORT_OFF = offsetof(struct sock, __sk_common.skc_dport);
#if IS_ENABLED(CONFIG_IPV6)
const size_t RUST_CONST_HELPER_BONDRS_SKC_V6_DADDR_OFF = offsetof(struct sock, __sk_common.skc_v6_daddr);
#endif
#ifdef CONFIG_SOCK_VALIDATE_XMIT
const size_t RUST_CONST_HELPER_BONDRS_SK_VALIDATE_XMIT_SKB_OFF = offsetof(struct sock, sk_validate_xmit_skb);
#endif
