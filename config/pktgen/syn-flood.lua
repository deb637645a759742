-- SPDX-License-Identifier: BSD-3-Clause
-- Copyright(c) 2026 The synfront authors
--
-- A bounded SYN flood for pktgen 23.06 built with Lua: load one of the
-- command files of this directory, send for DURATION seconds (or until
-- COUNT SYNs) at RATE percent of the link speed the port reports, stop,
-- print the port counters, quit. Headless, from synfront's top directory
-- (pktgen needs a terminal; script(1) gives it one, and -e passes on
-- pktgen's exit status, 134 after a panic):
--
--   SYNFLOOD_RATE=1 script -eqc "$SF_PKTGEN <EAL options> -- -P -m 1.0 \
--       -f config/pktgen/syn-flood.lua" /dev/null > pktgen.log
--
-- docs/pktgen.md has the full command lines (memif and real NIC).
--
-- Run in pktgen 23.06.1 (built by scripts/build-pktgen.sh) against
-- synfront over memif: test/py/test_pktgen.py.

-- Settings. Each one can be overridden from the environment:
-- SYNFLOOD_RATE, SYNFLOOD_DURATION, SYNFLOOD_COUNT, SYNFLOOD_CONFIG,
-- SYNFLOOD_PORT, SYNFLOOD_DST_MAC, SYNFLOOD_LINK_WAIT,
-- SYNFLOOD_WAIT_PEER_CLOSE.
local RATE      = 1      -- percent of link speed (a fraction is fine);
                         -- memif reports 100 Gb/s, so 1 is about 1.49 Mpps
                         -- of 64-byte frames
local DURATION  = 10     -- seconds of sending, at most
local COUNT     = 0      -- SYNs to send, then stop early; 0: no bound
local CONFIG    = "config/pktgen/syn-range-v4.pkt"  -- relative to pktgen's cwd
local PORT      = "0"    -- pktgen port (the .pkt files configure port 0)
local DST_MAC   = nil    -- synfront's MAC, e.g. "3c:fd:fe:a0:00:01";
                         -- nil keeps the one in CONFIG (02:00:00:00:00:01)
local LINK_WAIT = 10     -- seconds to wait for the link before giving up
local WAIT_PEER_CLOSE = 0  -- after the totals, seconds to wait for the
                           -- memif peer to leave (synfront stopping) before
                           -- quitting; 0: quit at once

local function env(name, default)
	local v = os.getenv("SYNFLOOD_" .. name)
	if v == nil or v == "" then
		return default
	end
	return v
end

RATE      = tonumber(env("RATE", RATE))
DURATION  = tonumber(env("DURATION", DURATION))
COUNT     = tonumber(env("COUNT", COUNT))
CONFIG    = env("CONFIG", CONFIG)
PORT      = env("PORT", PORT)
DST_MAC   = env("DST_MAC", DST_MAC)
LINK_WAIT = tonumber(env("LINK_WAIT", LINK_WAIT))
WAIT_PEER_CLOSE = tonumber(env("WAIT_PEER_CLOSE", WAIT_PEER_CLOSE))

local pid = tonumber(PORT)

local function say(fmt, ...)
	io.write("synflood: " .. string.format(fmt, ...) .. "\n")
	io.flush()
end

-- A missing field prints as -1 rather than stopping the script.
local function n(t, k)
	if t == nil or t[k] == nil then
		return -1
	end
	return t[k]
end

-- Screen updates would mix VT100 redraws into the output.
pktgen.screen("off")

say("pktgen %s, %s", tostring(pktgen.info.Pktgen_Version),
	tostring(pktgen.info.DPDK_Version))
say("config %s, port %s, rate %s%%, %d s, count %d", CONFIG, PORT,
	tostring(RATE), DURATION, COUNT)

pktgen.load(CONFIG)
if DST_MAC ~= nil then
	pktgen.set_mac(PORT, "dst", DST_MAC)
	pktgen.range.dst_mac(PORT, "start", DST_MAC)
	say("destination MAC %s", DST_MAC)
end
pktgen.set(PORT, "rate", RATE)
-- pktgen stops by itself after COUNT packets (0: until `stop`).
pktgen.set(PORT, "count", COUNT)

local function link_state()
	local ls = pktgen.linkState(PORT)
	if ls == nil or ls[pid] == nil then
		return ""
	end
	return ls[pid]
end

-- memif comes up when the client has connected; a NIC when autoneg is done.
local link = nil
for i = 1, LINK_WAIT * 10 do
	if string.find(link_state(), "UP") then
		link = link_state()
		break
	end
	pktgen.delay(100)
end
if link == nil then
	say("port %s: link still down after %d s, not sending", PORT, LINK_WAIT)
	pktgen.quit()
	return
end
-- e.g. <UP-100000-FD>: the speed (Mb/s) the rate percentage applies to.
say("port %s: link %s", PORT, link)

pktgen.clr()
pktgen.start(PORT)
for s = 1, DURATION do
	pktgen.delay(1000)
	local r = pktgen.portStats(PORT, "rate")[pid]
	say("%3d s: tx %d pps, rx %d pps", s, n(r, "pkts_tx"), n(r, "pkts_rx"))
	-- The totals lag by up to a second (read once a second): a COUNT run
	-- ends the second after it has sent them all.
	if COUNT > 0 and n(pktgen.portStats(PORT, "port")[pid], "opackets") >=
		COUNT then
		break
	end
end
pktgen.stop(PORT)

-- pktgen reads the port counters once a second; let the last ones in.
pktgen.delay(2000)
local p = pktgen.portStats(PORT, "port")[pid]
say("port %s totals: opackets %d (SYNs sent), ipackets %d (SYN-ACKs and " ..
	"RSTs received)", PORT, n(p, "opackets"), n(p, "ipackets"))
say("port %s totals: obytes %d, ibytes %d, oerrors %d, ierrors %d, " ..
	"imissed %d, rx_nombuf %d", PORT, n(p, "obytes"), n(p, "ibytes"),
	n(p, "oerrors"), n(p, "ierrors"), n(p, "imissed"), n(p, "rx_nombuf"))

-- DPDK 22.11's net_memif can crash the side that keeps polling when its
-- peer leaves (docs/pktgen.md): with WAIT_PEER_CLOSE, pktgen lets synfront
-- stop first. pktgen's port lcore keeps polling meanwhile, so the crash
-- risk moves to pktgen, after its totals; test/py/test_pktgen.py freezes
-- pktgen here instead. pktgen refreshes its link state only to draw its
-- screen, which is off, so linkState() keeps saying UP after the peer has
-- gone; but memif zeroes its counters when the peer disconnects, so a
-- total that changes with no traffic is the sign.
if WAIT_PEER_CLOSE > 0 then
	say("waiting up to %d s for the peer to close the link",
		WAIT_PEER_CLOSE)
	local sent = n(p, "opackets")
	local gone = false
	for i = 1, WAIT_PEER_CLOSE * 10 do
		local q = pktgen.portStats(PORT, "port")[pid]
		if not string.find(link_state(), "UP") or
			n(q, "opackets") ~= sent then
			gone = true
			break
		end
		pktgen.delay(100)
	end
	say("port %s: %s", PORT, gone and "peer gone" or
		"peer still there, quitting anyway")
end

pktgen.quit()
