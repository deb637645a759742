/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_log.h>

#include "sf_port.h"

RTE_LOG_REGISTER(sf_logtype_port, synfront.port, INFO);

#define SF_PORT_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, sf_logtype_port, \
		"synfront.port: " fmt "\n", ## __VA_ARGS__)

/* Offloads we use when offered; everything else is done in software. */
#define SF_RX_OFFLOADS (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | \
			RTE_ETH_RX_OFFLOAD_TCP_CKSUM)
#define SF_TX_OFFLOADS (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | \
			RTE_ETH_TX_OFFLOAD_TCP_CKSUM | \
			RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
/* Hash on addresses and TCP ports so one flow stays on one queue. */
#define SF_RSS_HF (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP)
/*
 * Reaping net_af_xdp's tx completions at stop: a kick every millisecond
 * until the pool has not grown for SF_REAP_QUIET_MS (a copy-mode socket,
 * as on a veth, completes a send within the send() call itself), and
 * never longer than SF_REAP_MAX_MS in all.
 */
#define SF_REAP_QUIET_MS 5
#define SF_REAP_MAX_MS 100

static bool
sf_port_is_af_xdp(const struct rte_eth_dev_info *info)
{
	return info->driver_name != NULL &&
		strcmp(info->driver_name, "net_af_xdp") == 0;
}

/* As many rx as tx queues (net_tap, for one, insists), at least one. */
static uint16_t
sf_port_nb_pairs(const struct rte_eth_dev_info *info, uint16_t nb_pairs)
{
	uint16_t nb_q = RTE_MIN(nb_pairs, RTE_MIN(info->max_rx_queues,
			info->max_tx_queues));

	return nb_q == 0 ? 1 : nb_q;
}

/*
 * Read the port's RSS redirection table into out->ps_reta: true when it
 * could be, with a size (a power of 2 up to SF_STEER_RETA_SIZE) whose
 * entries the engine can repeat over its own table, and every entry a
 * queue we set up.
 */
static bool
sf_port_reta(uint16_t port_id, const struct rte_eth_dev_info *info,
		struct sf_port_setup *out)
{
	struct rte_eth_rss_reta_entry64 rc[SF_STEER_RETA_SIZE /
		RTE_ETH_RETA_GROUP_SIZE];
	uint16_t n = info->reta_size, i;

	if (n == 0 || n > SF_STEER_RETA_SIZE || (n & (n - 1)) != 0 ||
	    n < RTE_ETH_RETA_GROUP_SIZE)
		return false;
	memset(rc, 0, sizeof(rc));
	for (i = 0; i < n / RTE_ETH_RETA_GROUP_SIZE; i++)
		rc[i].mask = UINT64_MAX;
	if (rte_eth_dev_rss_reta_query(port_id, rc, n) != 0)
		return false;
	for (i = 0; i < n; i++) {
		out->ps_reta[i] = rc[i / RTE_ETH_RETA_GROUP_SIZE].reta[
			i % RTE_ETH_RETA_GROUP_SIZE];
		if (out->ps_reta[i] >= out->ps_nb_queues)
			return false;
	}
	out->ps_reta_size = n;
	return true;
}

unsigned int
sf_port_pool_need(uint16_t port_id, uint16_t nb_pairs)
{
	struct rte_eth_dev_info info;

	if (rte_eth_dev_info_get(port_id, &info) != 0)
		return (unsigned int)nb_pairs * (SF_NB_RXD + SF_NB_TXD);
	/* net_af_xdp's fill ring stands for the rx descriptors. */
	return (unsigned int)sf_port_nb_pairs(&info, nb_pairs) *
		((sf_port_is_af_xdp(&info) ? SF_AF_XDP_FILL_MBUFS : SF_NB_RXD) +
		 SF_NB_TXD);
}

int
sf_port_init(uint16_t port_id, struct rte_mempool *mp, uint16_t nb_pairs,
		unsigned int wait_ms, struct sf_port_setup *out)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct rte_eth_rxconf rxq;
	struct rte_eth_txconf txq;
	struct rte_eth_link link;
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	uint16_t q, nb_q;
	unsigned int waited;
	int socket, ret;

	memset(out, 0, sizeof(*out));
	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_info_get(port_id, &info);
	if (ret != 0) {
		SF_PORT_LOG(ERR, "port %u: cannot get device info: %s",
			port_id, strerror(-ret));
		return ret;
	}
	nb_q = sf_port_nb_pairs(&info, nb_pairs);
	out->ps_rss_capable = (info.flow_type_rss_offloads & SF_RSS_HF) != 0;
	if (nb_q > 1 && out->ps_rss_capable) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		/*
		 * sf_rss_key where the PMD takes a 40-byte key (the software
		 * steering hash is then the NIC's), else the PMD's own.
		 */
		if (info.hash_key_size == sizeof(sf_rss_key)) {
			conf.rx_adv_conf.rss_conf.rss_key =
				(uint8_t *)(uintptr_t)sf_rss_key;
			conf.rx_adv_conf.rss_conf.rss_key_len =
				sizeof(sf_rss_key);
		}
		conf.rx_adv_conf.rss_conf.rss_hf =
			info.flow_type_rss_offloads & SF_RSS_HF;
		out->ps_rss = true;
	}
	conf.rxmode.offloads = info.rx_offload_capa & SF_RX_OFFLOADS;
	conf.txmode.offloads = info.tx_offload_capa & SF_TX_OFFLOADS;

	ret = rte_eth_dev_configure(port_id, nb_q, nb_q, &conf);
	if (ret != 0) {
		SF_PORT_LOG(ERR, "port %u: configure with %u queues: %s",
			port_id, nb_q, strerror(-ret));
		return ret;
	}
	out->ps_nb_rxd = SF_NB_RXD;
	out->ps_nb_txd = SF_NB_TXD;
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &out->ps_nb_rxd,
			&out->ps_nb_txd);
	if (ret != 0) {
		SF_PORT_LOG(ERR, "port %u: descriptor counts: %s", port_id,
			strerror(-ret));
		return ret;
	}
	socket = rte_eth_dev_socket_id(port_id);
	if (socket < 0)
		socket = (int)rte_socket_id();
	rxq = info.default_rxconf;
	rxq.offloads = conf.rxmode.offloads;
	txq = info.default_txconf;
	txq.offloads = conf.txmode.offloads;
	for (q = 0; q < nb_q; q++) {
		ret = rte_eth_rx_queue_setup(port_id, q, out->ps_nb_rxd,
				socket, &rxq, mp);
		if (ret != 0) {
			SF_PORT_LOG(ERR, "port %u: rx queue %u: %s", port_id,
				q, strerror(-ret));
			return ret;
		}
		ret = rte_eth_tx_queue_setup(port_id, q, out->ps_nb_txd,
				socket, &txq);
		if (ret != 0) {
			SF_PORT_LOG(ERR, "port %u: tx queue %u: %s", port_id,
				q, strerror(-ret));
			return ret;
		}
	}
	/*
	 * net_af_xdp's fill rings hold SF_AF_XDP_FILL_MBUFS of our mbufs per
	 * queue (the UMEM is our pool), and DPDK 22.11 never frees them: its
	 * dev_stop only marks the queues stopped, and its dev_close deletes
	 * the socket and the UMEM without draining the fill ring (as does
	 * DPDK's main branch of April 2026). Since 22.11.5 close does not
	 * even delete the UMEM (its reference count test,
	 * "__atomic_sub_fetch() - 1 == 0", is never true for a lone socket),
	 * so the XSK socket stays open (seen on Debian's 22.11.11) and the
	 * kernel keeps the fill ring until the process exits.
	 * Those mbufs are the PMD's, never handed to us: the pool audit at
	 * exit allows for exactly these, as rte_pktmbuf_alloc() left them.
	 */
	if (sf_port_is_af_xdp(&info))
		out->ps_pmd_kept = (unsigned int)nb_q * SF_AF_XDP_FILL_MBUFS;
	ret = rte_eth_macaddr_get(port_id, &out->ps_conf.mac);
	if (ret != 0) {
		SF_PORT_LOG(ERR, "port %u: MAC address: %s", port_id,
			strerror(-ret));
		return ret;
	}
	ret = rte_eth_dev_start(port_id);
	if (ret != 0) {
		SF_PORT_LOG(ERR, "port %u: start: %s", port_id, strerror(-ret));
		return ret;
	}
	/*
	 * Neighbour solicitations arrive on solicited-node groups
	 * (33:33:ff:xx:xx:xx). All-multicast is the portable way to get them;
	 * a NIC that refuses it still gets unicast NS (reachability probes).
	 */
	ret = rte_eth_allmulticast_enable(port_id);
	if (ret != 0 && ret != -ENOTSUP)
		SF_PORT_LOG(WARNING, "port %u: all-multicast: %s; IPv6 "
			"neighbour discovery by multicast may not work",
			port_id, strerror(-ret));

	out->ps_nb_queues = nb_q;
	if (out->ps_rss && conf.rx_adv_conf.rss_conf.rss_key != NULL)
		out->ps_rss_ours = sf_port_reta(port_id, &info, out);
	out->ps_conf.rx_offloads = conf.rxmode.offloads;
	out->ps_conf.tx_offloads = conf.txmode.offloads;
	if (rte_eth_dev_get_mtu(port_id, &out->ps_conf.mtu) != 0)
		out->ps_conf.mtu = RTE_ETHER_MTU;

	for (waited = 0; ; waited += 100) {
		memset(&link, 0, sizeof(link));
		ret = rte_eth_link_get_nowait(port_id, &link);
		if (ret == 0 && link.link_status == RTE_ETH_LINK_UP)
			break;
		if (waited >= wait_ms)
			break;
		rte_delay_ms(100);
	}
	rte_ether_format_addr(mac, sizeof(mac), &out->ps_conf.mac);
	SF_PORT_LOG(INFO,
		"port %u (%s): mac %s, %u queue pair(s) of %u/%u descriptors, "
		"RSS %s%s, rx offloads 0x%" PRIx64 ", tx offloads 0x%" PRIx64
		", link %s",
		port_id, info.driver_name, mac, nb_q, out->ps_nb_rxd,
		out->ps_nb_txd, out->ps_rss ? "on" : "off",
		out->ps_rss_ours ? " (sf_rss_key, RETA read)" :
		out->ps_rss ? " (the PMD's own hash)" : "",
		out->ps_conf.rx_offloads, out->ps_conf.tx_offloads,
		link.link_status == RTE_ETH_LINK_UP ? "up" : "down (continuing)");
	return 0;
}

/*
 * net_af_xdp frees a transmitted mbuf only when it reads the completion
 * ring, at the start of its next tx burst (kick_tx() in
 * rte_eth_af_xdp.c), so the frames of the last burst stay outside the
 * pool; 22.11 has no tx_done_cleanup. A burst of nothing reads the ring:
 * kick each queue until the pool stops growing.
 */
static void
sf_port_reap_tx(uint16_t port_id, uint16_t nb_txq, struct rte_mempool *mp)
{
	struct rte_mbuf *none[1] = { NULL };
	unsigned int ms, quiet = 0, avail, was;
	uint16_t q;

	was = rte_mempool_avail_count(mp);
	for (ms = 0; ms < SF_REAP_MAX_MS && quiet < SF_REAP_QUIET_MS; ms++) {
		for (q = 0; q < nb_txq; q++)
			rte_eth_tx_burst(port_id, q, none, 0);
		rte_delay_ms(1);
		avail = rte_mempool_avail_count(mp);
		quiet = avail == was ? quiet + 1 : 0;
		was = avail;
	}
}

void
sf_port_fini(uint16_t port_id, struct rte_mempool *mp)
{
	struct rte_eth_dev_info info;
	int ret;

	if (mp != NULL && rte_eth_dev_info_get(port_id, &info) == 0 &&
	    sf_port_is_af_xdp(&info))
		sf_port_reap_tx(port_id, info.nb_tx_queues, mp);
	ret = rte_eth_dev_stop(port_id);
	if (ret != 0)
		SF_PORT_LOG(WARNING, "port %u: stop: %s", port_id,
			strerror(-ret));
	ret = rte_eth_dev_close(port_id);
	if (ret != 0)
		SF_PORT_LOG(WARNING, "port %u: close: %s", port_id,
			strerror(-ret));
}
