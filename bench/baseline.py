#!/usr/bin/python3
"""The end-to-end baseline: what a careful admin would write with Debian's python3-geoip2.

    python3 bench/baseline.py <fail2ban.log> <GeoLite2-City.mmdb>

Reads the log line by line with a regular expression, counts attack events (Found, Ban,
Increase Ban) per address, so each distinct address is looked up once, looks each up with
geoip2's Reader (its default mode: the libmaxminddb C extension when installed), and counts
distinct addresses and events per city. Prints one JSON object with its timings (ms), counts
and peak memory on stdout.
"""
import json
import re
import resource
import sys
import time
from collections import Counter

import geoip2.database
import geoip2.errors

LINE = re.compile(r"\] (Found|Ban|Increase Ban|Unban|Restore Ban) ([0-9A-Fa-f:.]+)")
ATTACKS = {"Found", "Ban", "Increase Ban"}


def main(log_file: str, database_file: str) -> None:
    started = time.perf_counter()
    events = Counter()
    lines = 0
    with open(log_file, encoding="utf-8", errors="replace") as log:
        for line in log:
            lines += 1
            match = LINE.search(line)
            if match:
                verb, ip = match.groups()
                events[ip] += verb in ATTACKS
    parsed = time.perf_counter()

    city_ips = Counter()
    city_events = Counter()
    found = not_found = invalid = 0
    with geoip2.database.Reader(database_file) as reader:
        opened = time.perf_counter()
        # MODE_AUTO picks maxminddb's C extension (libmaxminddb) when it is installed.
        pure = type(reader._db_reader).__module__.startswith("maxminddb.reader")
        implementation = "pure Python" if pure else "C extension (libmaxminddb)"
        for ip, count in events.items():
            try:
                response = reader.city(ip)
            except geoip2.errors.AddressNotFoundError:
                not_found += 1
                continue
            except ValueError:
                invalid += 1
                continue
            found += 1
            if response.city.name is None or response.location.latitude is None:
                continue
            key = (response.country.iso_code, response.subdivisions.most_specific.name, response.city.name)
            city_ips[key] += 1
            city_events[key] += count
        looked_up = time.perf_counter()
    top = sorted(city_ips.items(), key=lambda item: (-item[1], -city_events[item[0]], item[0][2]))[:10]
    counted = time.perf_counter()
    print(
        json.dumps(
            {
                "lines": lines,
                "distinct": len(events),
                "found": found,
                "not_found": not_found,
                "invalid": invalid,
                "cities": len(city_ips),
                "top": [[key[2], key[0], n] for key, n in top],
                "parse_ms": (parsed - started) * 1e3,
                "open_ms": (opened - parsed) * 1e3,
                "lookup_ms": (looked_up - opened) * 1e3,
                "count_ms": (counted - looked_up) * 1e3,
                "total_ms": (counted - started) * 1e3,
                "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "python": sys.version.split()[0],
                "geoip2": geoip2.__version__,
                "maxminddb": implementation,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
