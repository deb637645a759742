/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_COUNTERS_H
#define SF_COUNTERS_H

/**
 * @file
 * synfront counters.
 *
 * Every counter is kept per lcore (worker or application context) and
 * summed when read, so the
 * fast path never writes a cache line another lcore writes. Every frame a
 * worker receives ends in exactly one of: a reply (counted by the
 * responder that built it), a handoff to a later stage, or a drop counted
 * by one of the drop_* counters below. Operators debug with these names:
 * they are stable, and docs/counters.md is generated from the same list.
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The counter list: X(name, description). Order is the order of the
 * stats JSON and the telemetry dictionary.
 */
#define SF_COUNTER_LIST(X) \
	X(rx_packets, "frames received by the workers") \
	X(tx_packets, "frames accepted by a tx queue") \
	X(tx_dropped, "replies dropped because the tx queue was full") \
	X(arp_replies, "ARP replies sent for our addresses") \
	X(arp_ignored, "ARP frames that need no answer: replies (they " \
	  "update the neighbour table), and " \
	  "gratuitous requests announcing one of our addresses") \
	X(icmp_echo_replies, "ICMP echo replies sent") \
	X(icmp6_echo_replies, "ICMPv6 echo replies sent") \
	X(nd_na_sent, "neighbour advertisements sent in answer to " \
	  "neighbour solicitations") \
	X(nd_na_received, "neighbour advertisements taken in (RFC 4861 " \
	  "7.2.5): they update a neighbour entry that exists and need no " \
	  "answer") \
	X(neigh_created, "neighbour entries made: a resolution started, or " \
	  "learnt from an ARP request or neighbour solicitation for us") \
	X(neigh_removed, "neighbour entries removed: unused STALE or FAILED " \
	  "for gc_stale_time (60 s), or evicted for a new one") \
	X(neigh_learnt, "neighbour entries whose MAC or state an ARP or ND " \
	  "message set (RFC 826 merge, RFC 4861 7.2.3/7.2.5)") \
	X(neigh_resolved, "neighbour resolutions answered: INCOMPLETE to " \
	  "REACHABLE or STALE") \
	X(neigh_mac_changed, "neighbour entries whose MAC changed") \
	X(neigh_override_refused, "ARP or NA with a MAC other than the one " \
	  "cached, not taken: within ARP locktime (1 s), or an NA " \
	  "without the override flag") \
	X(neigh_probes_mcast, "ARP requests (broadcast) and neighbour " \
	  "solicitations (solicited-node group) sent to resolve") \
	X(neigh_probes_ucast, "ARP requests and neighbour solicitations " \
	  "sent unicast to re-confirm a neighbour (PROBE)") \
	X(neigh_failed, "neighbour entries gone FAILED: no answer to " \
	  "mcast_solicit (or ucast_solicit) solicitations") \
	X(neigh_unreach, "resolutions answered unreachable: the entry " \
	  "failed less than retrans_time (1 s) ago") \
	X(neigh_table_full, "resolutions or learning refused: every slot " \
	  "of the entry's bucket in use by live entries") \
	X(neigh_queued, "frames queued waiting for a resolution") \
	X(neigh_queue_sent, "queued frames sent once their next hop " \
	  "resolved") \
	X(neigh_queue_overflow, "queued frames dropped to make room for a " \
	  "newer one (3 per entry, Linux's unres_qlen)") \
	X(neigh_queue_failed, "queued frames dropped because their " \
	  "resolution failed") \
	X(neigh_announce, "gratuitous ARP requests and unsolicited " \
	  "neighbour advertisements sent for our addresses at start") \
	X(icmp_out_dest_unreachs, "ICMP destination unreachable sent: port " \
	  "unreachable for UDP, protocol unreachable for other protocols " \
	  "(Linux OutDestUnreachs)") \
	X(icmp_out_parm_probs, "ICMP parameter problems sent about " \
	  "malformed IPv4 options (Linux OutParmProbs)") \
	X(icmp6_out_dest_unreachs, "ICMPv6 port unreachable sent for UDP " \
	  "(Linux Icmp6OutDestUnreachs)") \
	X(icmp6_out_parm_probs, "ICMPv6 parameter problems (unrecognized " \
	  "next header) sent for protocols we do not speak (Linux " \
	  "Icmp6OutParmProblems)") \
	X(icmp_out_ratelimited, "ICMP and ICMPv6 errors not sent: rate " \
	  "limited (icmp_ratelimit per peer, icmp_msgs_per_sec per lcore)") \
	X(icmp_err_pmtu, "ICMP fragmentation-needed or ICMPv6 packet-too-big " \
	  "that lowered a connection's MSS (RFC 1191, RFC 8201)") \
	X(icmp_err_req_drops, "requests ended by a hard ICMP or ICMPv6 " \
	  "error quoting their SYN-ACK (tcp_req_err()); in listen_drops too") \
	X(tcp_segments, "TCP segments that passed the header bounds checks; " \
	  "each ends in tcp_replied, tcp_absorbed or a drop_tcp_* counter") \
	X(tcp_replied, "TCP segments answered in place (SYN-ACK, RST, ACK)") \
	X(tcp_absorbed, "TCP segments taken in with no reply of their own " \
	  "(third ACKs, ACKs, data and RSTs for requests and connections)") \
	X(tcp_bad_opts, "TCP segments whose option list had a malformed " \
	  "length: the options before it were used, as Linux does") \
	X(syn_recv, "SYNs answered with a SYN-ACK from a new request") \
	X(synack_sent, "SYN-ACKs sent, retransmissions included") \
	X(synack_retrans, "SYN-ACKs retransmitted (timer or duplicate SYN)") \
	X(passive_opens, "handshakes completed (Linux PassiveOpens)") \
	X(accepted, "connections handed to the application's on_accept") \
	X(third_ack_data, "handshakes whose third ACK carried data (kept " \
	  "for the application, RFC 9293 3.10.7.4)") \
	X(third_ack_data_bytes, "bytes of data carried by third ACKs") \
	X(third_ack_fin, "handshakes whose third ACK carried the peer's FIN") \
	X(data_delivered, "segments whose new in-order bytes were handed to " \
	  "on_data (inline, or over an accept ring)") \
	X(data_delivered_bytes, "bytes handed to on_data") \
	X(delayed_acks, "ACKs sent when the delayed-ACK timer ran out " \
	  "(Linux DelayedACKs)") \
	X(ofo_queue, "segments with bytes beyond a gap, queued until the gap " \
	  "fills (Linux TCPOFOQueue)") \
	X(ofo_drop, "segments beyond a gap dropped: the connection's or the " \
	  "worker's out-of-order queue was full (Linux TCPOFODrop)") \
	X(data_dup, "segments with data all received before (a " \
	  "retransmission or a duplicate): dropped, answered with an ACK at " \
	  "once (Linux DelayedACKLost counts such ACKs)") \
	X(ofo_merge, "out-of-order segments already queued whole, dropped " \
	  "(Linux TCPOFOMerge)") \
	X(paws_estab, "segments of connections dropped by PAWS: a timestamp " \
	  "older than the last one (RFC 7323 5.3; Linux PAWSEstabRejected)") \
	X(snd_queued_bytes, "bytes the applications queued for sending " \
	  "(sf_conn_send(), sf_conn_send_mbuf())") \
	X(snd_pool_limit, "sends cut short or refused: the worker's send " \
	  "queues held their share of the mbuf pool (half of it)") \
	X(data_segs_out, "segments sent with data, retransmissions included " \
	  "(Linux OutSegs counts every segment)") \
	X(data_bytes_out, "bytes of data sent, retransmissions included") \
	X(retrans_segs, "segments retransmitted, FINs included (Linux " \
	  "RetransSegs)") \
	X(fast_retrans, "segments retransmitted in fast recovery (Linux " \
	  "TCPFastRetrans)") \
	X(tcp_timeouts, "retransmission timeouts (Linux TCPTimeouts)") \
	X(sack_recovery, "fast recoveries with SACK, RFC 6675 (Linux " \
	  "TCPSackRecovery)") \
	X(reno_recovery, "fast recoveries without SACK, NewReno RFC 6582 " \
	  "(Linux TCPRenoRecovery)") \
	X(window_probes, "zero-window probes sent (Linux TCPWinProbe)") \
	X(abort_on_timeout, "connections given up after tcp_retries2 " \
	  "timeouts or unanswered window probes, or their FIN after " \
	  "5 (Linux TCPAbortOnTimeout)") \
	X(tw_overflow, "connections that ended without TIME-WAIT: the " \
	  "worker held max_time_wait already (Linux TCPTimeWaitOverflow)") \
	X(tw_recycled, "TIME-WAIT connections that gave way to a new SYN " \
	  "with a higher sequence number or timestamp") \
	X(listen_overflows, "SYNs and third ACKs refused because the " \
	  "accept queue held backlog + 1 (Linux ListenOverflows)") \
	X(listen_drops, "SYNs and third ACKs a listener dropped for any " \
	  "reason (Linux ListenDrops)") \
	X(reqq_full_drop, "SYNs dropped: syn_backlog reached or the lcore's " \
	  "request table full (Linux TCPReqQFullDrop)") \
	X(reqq_full_do_cookies, "SYNs answered with a cookie because " \
	  "syn_backlog or the lcore's request table was full (mode 1)") \
	X(syncookies_sent, "SYN-ACKs sent with a SYN cookie (no request " \
	  "kept; modes 1 and 2)") \
	X(syncookies_recv, "ACKs to a listener whose cookie validated") \
	X(syncookies_failed, "ACKs to a listener, while cookies were in " \
	  "use, whose cookie did not validate (answered with a RST)") \
	X(req_timeouts, "requests given up after the last SYN-ACK retry") \
	X(embryonic_rsts, "requests ended by a RST or an in-window SYN " \
	  "(Linux EmbryonicRsts)") \
	X(out_rsts, "RSTs sent (Linux OutRsts)") \
	X(in_errs, "TCP segments received in error (Linux InErrs)") \
	X(in_csum_errors, "TCP segments with a bad checksum (Linux " \
	  "InCsumErrors)") \
	X(defer_accept_drops, "bare third ACKs held back by defer_accept " \
	  "(Linux TCPDeferAcceptDrop)") \
	X(paws_rejected, "segments for a request rejected by PAWS (RFC 7323)") \
	X(challenge_acks, "challenge ACKs for an in-window RST or SYN on a " \
	  "connection (RFC 5961)") \
	X(conn_resets, "connections reset by the peer") \
	X(conn_closed, "connections that ended after a close") \
	X(conn_timeouts, "connections given up: data or FIN unanswered " \
	  "(abort_on_timeout), or no FIN in FIN-WAIT-2, or keepalive " \
	  "probes unanswered, or idle too long") \
	X(keepalive_probes, "keepalive probes sent (Linux TCPKeepAlive)") \
	X(connect_port_probes, "local ports active opens examined before " \
	  "taking one: a ratio to active_opens well above 1 means the " \
	  "range is filling for a destination") \
	X(connect_no_port, "active opens that found no free local port " \
	  "for their destination among those steering to their worker " \
	  "(EADDRNOTAVAIL)") \
	X(active_opens, "active opens that sent their SYN (Linux " \
	  "ActiveOpens)") \
	X(connect_established, "active opens that completed the handshake " \
	  "(on_connected)") \
	X(connect_syn_retrans, "SYNs of active opens retransmitted (Linux " \
	  "TCPSynRetrans)") \
	X(connect_syn_resolved, "SYNs sent again when their next hop " \
	  "resolved, for opens whose SYN waited in the neighbour queue " \
	  "(it keeps 3 frames and may have dropped it): not retransmissions") \
	X(connect_refused, "active opens refused: a RST answered the SYN " \
	  "(ECONNREFUSED)") \
	X(connect_timeouts, "active opens given up after their SYN " \
	  "retransmissions (ETIMEDOUT)") \
	X(connect_unreach, "active opens ended because the next hop did not " \
	  "resolve, or an ICMP error quoted the SYN (EHOSTUNREACH)") \
	X(connect_no_route, "active opens refused: no route to the " \
	  "destination (ENETUNREACH)") \
	X(connect_failed, "active opens refused on the worker before a SYN " \
	  "left for any other reason: local address or port, a full " \
	  "connection table, no mbuf (bad parameters and a full connect " \
	  "ring are told to the caller, which is no worker)") \
	X(connect_abandoned, "active opens the application closed or reset " \
	  "in SYN-SENT (nothing is sent)") \
	X(connect_tw_reused, "active opens that took the 4-tuple of a " \
	  "connection in TIME-WAIT (tcp_tw_reuse)") \
	X(connect_ring_in, "active opens a worker took from its connect " \
	  "ring (asked from another thread)") \
	X(backend_checks, "health checks of backends done (a TCP connect, " \
	  "then a reset)") \
	X(backend_check_fails, "health checks that failed: refused, timed " \
	  "out or unreachable") \
	X(backend_ups, "backends that came up: rise checks in a row passed") \
	X(backend_downs, "backends that went down: fall checks in a row " \
	  "failed") \
	X(poll_cycles, "TSC cycles the worker spent in its polls") \
	X(poll_busy_cycles, "of them, in polls that received frames: the " \
	  "share of the core that worked (a poll-mode core is always 100 % " \
	  "busy to the OS)") \
	X(proxy_accepts, "clients of proxy listeners that completed the " \
	  "handshake and went to the splice (no backend state before)") \
	X(proxy_backend_connects, "connections opened to backends for " \
	  "clients (the SYN left)") \
	X(proxy_backend_up, "backend connections that completed the " \
	  "handshake: the pair was spliced") \
	X(proxy_backend_refused, "backend opens refused (RST)") \
	X(proxy_backend_timeouts, "backend opens that timed out (no " \
	  "SYN-ACK after the SYN retries)") \
	X(proxy_backend_errors, "backend opens that failed otherwise: " \
	  "unreachable next hop, ICMP error, no free local port or " \
	  "connection slot") \
	X(proxy_backend_retries, "clients whose backend open failed and " \
	  "who were sent to another backend") \
	X(proxy_no_backend, "clients with no backend up in their pool (of " \
	  "their family): reset") \
	X(proxy_held_segs, "client segments held until the backend " \
	  "answered") \
	X(proxy_spliced, "pairs spliced: both legs up") \
	X(proxy_fwd_c2b, "segments sent on from clients to backends") \
	X(proxy_fwd_b2c, "segments sent on from backends to clients") \
	X(proxy_sack_blocks, "SACK blocks translated") \
	X(proxy_ts_inserted, "backend segments given a timestamp option on " \
	  "their way to a client that negotiated timestamps with a backend " \
	  "that refused them") \
	X(proxy_implausible, "segments of a pair outside their receiver's " \
	  "window or acknowledging what was never sent: sent on for the " \
	  "receiver to judge, without moving the pair's state") \
	X(proxy_pp_headers, "PROXY protocol headers sent to backends") \
	X(proxy_pp_rexmits, "PROXY protocol headers sent again (not " \
	  "acknowledged in time)") \
	X(proxy_closed, "pairs that ended with both FINs acknowledged") \
	X(proxy_client_resets, "pairs a client's RST ended (sent on to the " \
	  "backend once it was up)") \
	X(proxy_backend_resets, "pairs a backend's RST ended (sent on to " \
	  "the client)") \
	X(proxy_idle_timeouts, "pairs reset on both legs after the idle " \
	  "limit (or a PROXY header never acknowledged)") \
	X(tcp_not_owner, "segments for no flow of this worker (no " \
	  "connection, request or listener) whose port's steering table " \
	  "names another worker: RSS synfront cannot predict spread them, " \
	  "and a reply to another worker's active open may be among them " \
	  "(0 with software steering or a RETA read back)") \
	X(connect_bad_ack, "segments for an active open in SYN-SENT whose " \
	  "ACK is not for our SYN, answered with RST (the SYN goes again " \
	  "soon)") \
	X(paws_active_rejected, "SYN-ACKs whose timestamp echo is not one " \
	  "of our SYNs' (Linux PAWSActiveRejected): answered with RST") \
	X(keepalive_aborts, "connections reset after keepalive_probes " \
	  "unanswered keepalive probes") \
	X(idle_timeouts, "connections reset after their listener's " \
	  "idle_timeout_ms without an acceptable segment") \
	X(fin_retrans, "FINs retransmitted") \
	X(app_closes, "connections the application closed (FIN)") \
	X(app_shutdowns, "connections the application half-closed " \
	  "(sf_conn_shutdown())") \
	X(auto_closes, "connections the engine closed after the peer's FIN " \
	  "because the application has no on_close") \
	X(app_resets, "connections the application reset (RST)") \
	X(steer_out, "frames this worker received and passed to the worker " \
	  "that owns their flow (software steering)") \
	X(steer_in, "frames another worker passed to this one (software " \
	  "steering); counted in rx_packets too") \
	X(tx_handoff, "frames handed to the worker that sends on a port for " \
	  "this one (no tx queue of its own there)") \
	X(tx_handoff_dropped, "replies dropped because the tx hand-off ring " \
	  "to the sending worker was full (like tx_dropped)") \
	X(app_handoffs, "connections handed to an application context over " \
	  "an accept ring") \
	X(app_events, "close events sent to application contexts") \
	X(app_events_lost, "close events not sent: accept ring full (a " \
	  "peer's FIN is then answered by the engine's own close)") \
	X(app_cmds, "closes, resets, sends and half-closes applied for " \
	  "application contexts") \
	X(app_cmds_stale, "commands from application contexts for a " \
	  "connection that had ended already (a send's mbufs freed)") \
	X(app_cmds_ring_full, "commands an application context could not " \
	  "send: command ring full (the caller got -ENOBUFS)") \
	X(app_sends_dropped, "sends from application contexts the worker " \
	  "could not queue: the connection could no longer send (closed by " \
	  "the engine on the peer's FIN, with no on_close); mbufs freed") \
	X(snd_nombuf, "sends on application lcores cut short or refused: " \
	  "no mbuf to copy the bytes into") \
	X(accept_listener_gone, "connections whose listener was removed " \
	  "before the application context took them: reset") \
	X(listener_purged_reqs, "requests dropped because their listener " \
	  "was removed") \
	X(listener_purged_conns, "connections waiting in a removed " \
	  "listener's accept queue: reset") \
	X(tx_nombuf, "segments the engine could not send: mbuf pool empty") \
	X(drop_nonlinear, "multi-segment frame that could not be linearised") \
	X(drop_unknown_port, "frames handed to a worker for a port the " \
	  "engine does not know (embedding program error)") \
	X(drop_reply_no_room, "reply longer than the mbuf could hold") \
	X(drop_eth_truncated, "frame shorter than its Ethernet/VLAN headers") \
	X(drop_l2_mcast_unicast, "unicast IPv4 or IPv6 datagram in an " \
	  "Ethernet broadcast or multicast frame (RFC 1122 3.3.6)") \
	X(drop_l2_not_for_us, "unicast frame for another MAC address") \
	X(drop_vlan_stack, "more than two VLAN tags") \
	X(drop_ethertype, "ethertype other than ARP, IPv4, IPv6") \
	X(drop_arp_truncated, "ARP frame shorter than an Ethernet/IPv4 ARP " \
	  "packet") \
	X(drop_arp_bad_format, "ARP hardware/protocol type or length not " \
	  "Ethernet/IPv4, or unknown opcode") \
	X(drop_arp_martian, "ARP sender address multicast, broadcast " \
	  "(subnet broadcast and network address included) or loopback") \
	X(drop_arp_not_for_us, "ARP request for an address we do not own") \
	X(drop_ip4_truncated, "frame shorter than an IPv4 header") \
	X(drop_ip4_bad_version, "IPv4 ethertype with version != 4") \
	X(drop_ip4_bad_ihl, "IPv4 header length < 20 or beyond the frame") \
	X(drop_ip4_bad_len, "IPv4 total length < header length or beyond " \
	  "the frame") \
	X(drop_ip4_bad_csum, "IPv4 header checksum wrong") \
	X(drop_ip4_fragment, "IPv4 fragment (no reassembly)") \
	X(drop_ip4_bad_options, "IPv4 option list malformed, as Linux's " \
	  "ip_options_compile() checks it (answered by a parameter problem)") \
	X(drop_ip4_source_route, "IPv4 datagram with a loose or strict " \
	  "source route (Linux's accept_source_route = 0)") \
	X(drop_ip4_martian_src, "IPv4 source zero, loopback, multicast, " \
	  "reserved, broadcast, or the broadcast or network address of " \
	  "one of our subnets") \
	X(drop_ip4_land, "IPv4 source is one of our addresses (land attack)") \
	X(drop_ip4_not_for_us, "IPv4 destination is not one of our " \
	  "addresses (broadcast and multicast included)") \
	X(drop_ip6_truncated, "frame shorter than an IPv6 header") \
	X(drop_ip6_bad_version, "IPv6 ethertype with version != 6") \
	X(drop_ip6_bad_len, "IPv6 payload length beyond the frame") \
	X(drop_ip6_bad_exthdr, "IPv6 extension header truncated, too many, " \
	  "or not safe to skip (routing with segments left, no next header)") \
	X(drop_ip6_fragment, "IPv6 fragment (no reassembly)") \
	X(drop_ip6_martian_src, "IPv6 source multicast, loopback, " \
	  "unspecified or v4-mapped") \
	X(drop_ip6_land, "IPv6 source is one of our addresses (land attack)") \
	X(drop_ip6_not_for_us, "IPv6 destination is not one of our " \
	  "addresses or their solicited-node groups") \
	X(drop_l4_proto, "IP protocol other than ICMP, ICMPv6, TCP, UDP " \
	  "(answered by a protocol unreachable, or over IPv6 a parameter " \
	  "problem)") \
	X(drop_udp_truncated, "UDP datagram shorter than its header, or " \
	  "its length field beyond the IP payload or below 8") \
	X(drop_udp_bad_csum, "UDP checksum wrong, or zero over IPv6") \
	X(drop_udp_no_port, "UDP datagram: nothing listens for UDP (Linux " \
	  "NoPorts; answered by a port unreachable)") \
	X(drop_icmp_truncated, "ICMP message shorter than its header") \
	X(drop_icmp_bad_csum, "ICMP checksum wrong") \
	X(drop_icmp_unhandled, "ICMP type other than echo request and the " \
	  "errors TCP takes (destination unreachable, time exceeded, " \
	  "parameter problem)") \
	X(drop_icmp6_truncated, "ICMPv6 message shorter than its header") \
	X(drop_icmp6_bad_csum, "ICMPv6 checksum wrong") \
	X(drop_icmp6_unhandled, "ICMPv6 type other than echo request, " \
	  "neighbour solicitation and advertisement, and the errors TCP " \
	  "takes") \
	X(drop_icmp_err_bad, "ICMP or ICMPv6 error quoting less than an " \
	  "IP header and 8 bytes of TCP") \
	X(drop_icmp_err_no_flow, "ICMP or ICMPv6 error quoting no request " \
	  "or connection of this lcore (or not TCP)") \
	X(drop_icmp_err_oow, "ICMP or ICMPv6 error quoting a sequence number " \
	  "other than a request's ISS, or outside a connection's SND.UNA.." \
	  "SND.NXT (Linux OutOfWindowIcmps)") \
	X(drop_icmp_err_soft, "soft ICMP or ICMPv6 error about a request " \
	  "(fragmentation needed, packet too big, ...): left to the SYN-ACK " \
	  "retransmissions") \
	X(drop_icmp_err_conn, "ICMP or ICMPv6 error about a connection that " \
	  "it does not act on: not a fragmentation-needed or packet-too-big, " \
	  "or one that would not lower its MSS") \
	X(drop_nd_bad_hop_limit, "neighbour solicitation with hop limit " \
	  "!= 255 (RFC 4861 7.1.1)") \
	X(drop_nd_invalid, "neighbour solicitation failing RFC 4861 7.1.1 " \
	  "(code, length, options, multicast target, DAD rules)") \
	X(drop_nd_not_for_us, "neighbour solicitation for a target we do " \
	  "not own") \
	X(drop_na_invalid, "neighbour advertisement failing RFC 4861 7.1.2 " \
	  "(hop limit, code, length, options, multicast target, solicited " \
	  "flag to a group)") \
	X(drop_na_ours, "neighbour advertisement for one of our addresses " \
	  "(another node claims it: a duplicate address)") \
	X(drop_tcp_truncated, "TCP segment shorter than its header") \
	X(drop_tcp_bad_doff, "TCP data offset < 5 or beyond the segment") \
	X(drop_tcp_bad_csum, "TCP checksum wrong") \
	X(drop_tcp_port0, "TCP source or destination port 0") \
	X(drop_tcp_no_listener, "segment for a port nobody listens on that " \
	  "is not answered: a RST, or no_listener = drop") \
	X(drop_tcp_listen_rst, "RST (or RST+ACK) to a listener") \
	X(drop_tcp_listen_noflags, "segment to a listener with none of " \
	  "SYN, ACK, RST") \
	X(drop_tcp_syn_fin, "SYN with FIN to a listener") \
	X(drop_tcp_syn_overflow, "SYN dropped: the accept queue is full") \
	X(drop_tcp_reqq_full, "SYN dropped: the listener's syn_backlog is " \
	  "reached") \
	X(drop_tcp_req_pool_full, "SYN dropped: this lcore's request table " \
	  "is full") \
	X(drop_tcp_syn_unproven, "SYN dropped in cookie mode 0: the last " \
	  "quarter of syn_backlog (less one) is kept for peers proven " \
	  "before") \
	X(drop_tcp_cookie_rst_limited, "ACK with a failed cookie whose " \
	  "RST the rate limit held back") \
	X(drop_tcp_dup_syn_limited, "duplicate SYN for a request, not " \
	  "answered: one SYN-ACK per 500 ms") \
	X(drop_tcp_req_bad_ack, "RST+ACK for a request with a wrong " \
	  "acknowledgment number") \
	X(drop_tcp_req_oow, "segment for a request outside its window or " \
	  "PAWS-rejected, not answered (a RST, or rate limited)") \
	X(drop_tcp_req_noack, "segment for a request without ACK") \
	X(drop_tcp_deferred, "bare third ACK held back by defer_accept") \
	X(drop_tcp_ack_overflow, "third ACK dropped: the accept queue is " \
	  "full (the request stays)") \
	X(drop_tcp_conn_table_full, "third ACK dropped: this lcore's " \
	  "connection table is full (the request stays)") \
	X(drop_tcp_conn_oow, "segment for a connection outside the " \
	  "window, or acknowledging unsent data, not answered") \
	X(drop_tcp_challenge_limited, "challenge ACK not sent: rate limited") \
	X(drop_tcp_conn_noack, "segment for a connection with none of ACK, " \
	  "SYN, RST: discarded before the sequence check, unanswered") \
	X(drop_tcp_synsent_bad_ack, "RST for an active open in SYN-SENT " \
	  "whose ACK is not for our SYN, or whose timestamp echo fails " \
	  "PAWS") \
	X(drop_tcp_synsent_noflags, "segment for an active open in " \
	  "SYN-SENT with neither SYN nor an acceptable ACK and RST, or a " \
	  "RST without ACK") \
	X(drop_tcp_simultaneous_open, "SYN without ACK for an active open " \
	  "in SYN-SENT (simultaneous open is not taken: docs/connect.md)") \
	X(drop_tcp_timewait, "segment for a TIME-WAIT connection that " \
	  "needs no answer") \
	X(drop_steer_ring_full, "frames not passed to their owning worker: " \
	  "its steering ring was full") \
	X(drop_tcp_accept_ring_full, "third ACKs dropped (request kept) because " \
	  "the accept ring to the application context was full") \
	X(drop_tcp_data_ring_full, "segments with new bytes dropped unacknowledged " \
	  "because the accept ring to the application context was full (the " \
	  "peer sends them again)") \
	X(drop_tcp_proxy_hold_full, "client segments not held before the " \
	  "backend answered: the pair's or the worker's hold is full (the " \
	  "client sends them again)") \
	X(drop_tcp_proxy_ack_early, "client segments with no data or FIN " \
	  "before the backend answered: nothing to send on") \
	X(drop_tcp_proxy_ttl, "segments of a pair whose TTL or hop limit ran " \
	  "out") \
	X(drop_tcp_proxy_bad_rst, "RSTs for a pair outside the receiver's " \
	  "window (RFC 9293 3.10.7.4)") \
	X(drop_tcp_proxy_syn, "SYNs for a pair (a new connection cannot take " \
	  "a live pair's 4-tuple)") \
	X(drop_tcp_proxy_no_room, "segments of a pair with no headroom for the " \
	  "other leg's L2 header")

#define SF_COUNTER_ENUM(name, desc) SF_CNT_##name,

/** Counter indices. */
enum sf_counter {
	SF_COUNTER_LIST(SF_COUNTER_ENUM)
	SF_CNT_MAX /**< number of counters */
};

#undef SF_COUNTER_ENUM

/**
 * Name of a counter, as shown in the stats line, the JSON and telemetry.
 *
 * @param c
 *   Counter index.
 * @return
 *   The name, or NULL when c is out of range.
 */
const char *sf_counter_name(enum sf_counter c);

/**
 * One-line description of a counter.
 *
 * @param c
 *   Counter index.
 * @return
 *   The description, or NULL when c is out of range.
 */
const char *sf_counter_desc(enum sf_counter c);

/**
 * Whether a counter counts dropped frames (its name starts with "drop_"
 * or it is tx_dropped or tx_handoff_dropped).
 */
int sf_counter_is_drop(enum sf_counter c);

#ifdef __cplusplus
}
#endif

#endif /* SF_COUNTERS_H */
