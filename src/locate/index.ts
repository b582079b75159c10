/**
 * Locate: addresses → places and networks, offline.
 * - `address.ts`: the one address parser (IPv4 and IPv6, special ranges);
 * - `database.ts`: the MaxMind City/Country `.mmdb` and what it says of each address;
 * - `mmdb.ts`, `mmdb-data.ts`, `city-record.ts`: the lean reader behind it (search tree, data
 *   section, the fields BotMap reads of a City record);
 * - `networks.ts`: autonomous systems (ASN and organisation).
 */
export { normaliseAddress, looksLikeHostname, parseNetwork, inNetwork, type IpNetwork, type NormalisedAddress, type IPv4Address, type IPv6Address } from './address';
export { openGeoDatabase, locateAddresses, resolveDatabasePath, ageInDays, staleDataWarning, countryOnlyNote, GEOLITE_CREDIT, STALE_AFTER_MONTHS, type GeoDatabase, type OpenOptions } from './database';
export { openAsnDatabase, openPackagedAsnData, lookupNetworks, ipv6Network64, ASN_CREDIT, type AsnDatabase, type Network } from './networks';
