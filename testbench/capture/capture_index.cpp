// SPDX-License-Identifier: Apache-2.0
#include "testbench/capture/capture_index.hpp"

#include "net/address_scope.hpp"
#include "net/byte_order.hpp"
#include "testbench/pcap/pcap_reader.hpp"

namespace flowsim::capture {

IpKey source_of(const net::FiveTuple& t) { return IpKey{t.src, t.family}; }
IpKey destination_of(const net::FiveTuple& t) { return IpKey{t.dst, t.family}; }

bool is_group_address(const IpKey& ip) {
  if (ip.family == 4) {
    const net::Ipv4Addr a(net::load_be32(ip.addr.data()));
    return net::is_multicast(a) || net::is_limited_broadcast(a);
  }
  return net::is_multicast(net::Ipv6Addr(ip.addr));
}

net::MacAddr made_up_mac(const IpKey& ip) {
  const auto& a = ip.addr;
  const std::array<std::uint8_t, 6> mac = ip.family == 4 ? std::array<std::uint8_t, 6>{0x02, 0x04, a[0], a[1], a[2], a[3]}
                                                         : std::array<std::uint8_t, 6>{0x02, 0x06, a[12], a[13], a[14], a[15]};
  return net::MacAddr::from_bytes(mac.data());
}

net::MacAddr host_mac(const Host& h) { return h.mac ? *h.mac : made_up_mac(h.ip); }

Side CaptureIndex::side_of(const IpKey& ip) const {
  const auto& all = hosts.all();
  const Host* h = hosts.find(ip);
  if (h == nullptr) return Side::kWan;
  return sides.host_sides[static_cast<std::size_t>(h - all.data())];
}

CaptureIndex index_capture(const std::filesystem::path& file, const SideOptions& side_options, std::uint32_t mtu) {
  CaptureIndex index;
  index.file = file;
  index.artefacts.mtu = mtu;
  pcap::PcapReader reader(file);
  pcap::PcapRecord rec;
  bool first = true;
  while (reader.next(rec)) {
    ++index.packets;
    ++index.interfaces[rec.interface];
    if (first || rec.timestamp_ns < index.first_ts_ns) index.first_ts_ns = rec.timestamp_ns;
    if (rec.timestamp_ns > index.last_ts_ns) index.last_ts_ns = rec.timestamp_ns;
    first = false;
    if (!rec.unusable.empty()) continue;
    if (rec.synthetic_macs) index.synthetic_macs = true;
    const InspectedPacket p = inspect(rec.bytes);
    if (p.is_ip()) index.artefacts.add(rec.index, find_artefacts(rec.bytes, p, mtu), p.l3_length);
    const auto cl = index.conversations.classify(p, rec.index);
    if (!cl) continue;
    const bool real_src_mac = !rec.synthetic_macs || (rec.bytes[6] | rec.bytes[7] | rec.bytes[8] | rec.bytes[9] |
                                                      rec.bytes[10] | rec.bytes[11]) != 0;
    const bool real_dst_mac = !rec.synthetic_macs;
    Host& src = index.hosts.touch(source_of(p.tuple), rec.index, rec.interface);
    // A host's interface is the one it was first captured sending on (where it was first
    // seen only as a destination says nothing about its side).
    if (src.sent == 0) src.first_interface = rec.interface;
    ++src.sent;
    if (!src.mac && real_src_mac) src.mac = net::MacAddr::from_bytes(rec.bytes.data() + 6);
    const IpKey dst_ip = destination_of(p.tuple);
    if (!is_group_address(dst_ip)) {
      Host& dst = index.hosts.touch(dst_ip, rec.index, rec.interface);
      if (!dst.via && real_dst_mac) dst.via = net::MacAddr::from_bytes(rec.bytes.data());
    }
    if (cl->first) {
      const Conversation& c = index.conversations.at(cl->conversation);
      ++index.hosts.touch(source_of(c.initiator), rec.index, rec.interface).opened;
      if (!is_group_address(destination_of(c.initiator))) {
        ++index.hosts.touch(destination_of(c.initiator), rec.index, rec.interface).accepted;
      }
    }
  }
  index.sides = classify_sides(index.hosts, side_options, index.synthetic_macs, file.string());
  return index;
}

}  // namespace flowsim::capture
