/**
 * What BotMap reads of a GeoIP2/GeoLite2 City or Country record: the country, the city, the first
 * subdivision and the location, in English. Everything else in a record (names in other
 * languages, continents, postal codes, time zones) is skipped without being decoded: decoding
 * whole records into objects is most of the cost of a first lookup with mmdb-lib's `Reader`.
 */
import { ARRAY, DataSection, mapFields, unexpected, UnexpectedRecord } from './mmdb-data';
import type { MmdbLayout } from './mmdb';

/** The names BotMap reads; `en` only. */
export interface PlaceNames {
  en?: string;
}

/** A city, country or subdivision: GeoIP2's `{ iso_code, names, ... }` maps. */
export interface NamedPlace {
  iso_code?: string;
  names?: PlaceNames;
}

export interface PlaceLocation {
  latitude?: number;
  longitude?: number;
  accuracy_radius?: number;
}

/**
 * The part of a GeoIP2 City or Country record BotMap uses, with the record's own key names:
 * a complete record (mmdb-lib's CityResponse) has this shape too.
 */
export interface CityFields {
  city?: NamedPlace;
  country?: NamedPlace;
  registered_country?: NamedPlace;
  subdivisions?: readonly NamedPlace[];
  location?: PlaceLocation;
}

// Objects are made with every field, in one order, so that each kind has one shape.

/**
 * Reads the CityFields of records. Values that records share through pointers (a country,
 * a city, a location) are read once per pointer target.
 */
export class CityRecordReader {
  private readonly data: DataSection;
  private readonly places = new Map<number, NamedPlace>();
  private readonly locations = new Map<number, PlaceLocation>();
  private readonly subdivisionLists = new Map<number, readonly NamedPlace[]>();

  private readonly recordFields = mapFields<CityFields>({
    city: (at, record) => (record.city = this.place(at)),
    country: (at, record) => (record.country = this.place(at)),
    registered_country: (at, record) => (record.registered_country = this.place(at)),
    subdivisions: (at, record) => (record.subdivisions = this.shared(at, this.subdivisionLists, this.firstSubdivision)),
    location: (at, record) => (record.location = this.shared(at, this.locations, this.location)),
  });
  private readonly placeFields = mapFields<NamedPlace>({
    iso_code: (at, place) => (place.iso_code = this.data.string(at)),
    names: (at, place) => (place.names = this.data.map(at, this.nameFields, { en: undefined })),
  });
  private readonly nameFields = mapFields<PlaceNames>({
    en: (at, names) => (names.en = this.data.string(at)),
  });
  private readonly locationFields = mapFields<PlaceLocation>({
    latitude: (at, location) => (location.latitude = this.data.number(at)),
    longitude: (at, location) => (location.longitude = this.data.number(at)),
    accuracy_radius: (at, location) => (location.accuracy_radius = this.data.number(at)),
  });

  constructor(layout: MmdbLayout) {
    this.data = new DataSection(layout);
  }

  /**
   * The fields of the record at `offset` (from `SearchTree.recordOffset`), or undefined when
   * the record is not in the shape this reader expects (a value of another type, a malformed
   * value): such a record needs a complete decoder.
   */
  read(offset: number): CityFields | undefined {
    if (!this.data.holds(offset)) return undefined;
    try {
      return this.data.map(offset, this.recordFields, { city: undefined, country: undefined, registered_country: undefined, subdivisions: undefined, location: undefined });
    } catch (error) {
      if (error instanceof UnexpectedRecord) return undefined;
      throw error;
    }
  }

  private place(at: number): NamedPlace {
    return this.shared(at, this.places, (start) => this.data.map(start, this.placeFields, { iso_code: undefined, names: undefined }));
  }

  private readonly location = (start: number): PlaceLocation => this.data.map(start, this.locationFields, { latitude: undefined, longitude: undefined, accuracy_radius: undefined });

  /** The array at `start`. Only the first subdivision is read: the largest, in GeoIP2's order. */
  private readonly firstSubdivision = (start: number): readonly NamedPlace[] => {
    const data = this.data;
    data.head(start);
    if (data.type !== ARRAY) unexpected();
    const count = data.size;
    if (count === 0) {
      data.next = data.payload;
      return [];
    }
    const first = this.place(data.payload);
    let at = data.next;
    for (let n = count - 1; n > 0; n--) at = data.skip(at);
    data.next = at;
    return [first];
  };

  /**
   * The value at `at` read by `read`; when it is a pointer, the value it points to, read once per
   * target and kept in `cache` (many records share a country or a city). `next` is set after it.
   */
  private shared<T>(at: number, cache: Map<number, T>, read: (start: number) => T): T {
    const data = this.data;
    const start = data.valueAt(at);
    const pointerEnd = data.pointerEnd;
    if (pointerEnd < 0) return read(start);
    let value = cache.get(start);
    if (value === undefined) cache.set(start, (value = read(start)));
    data.next = pointerEnd;
    return value;
  }
}
