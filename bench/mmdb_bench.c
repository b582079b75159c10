/*
 * The lookup baseline: MaxMind's C library (libmaxminddb, Debian package libmaxminddb-dev)
 * doing what BotMap's locate stage does for each distinct address: look it up and read the
 * fields BotMap keeps (country iso_code and English name, city English name, first
 * subdivision's English name, latitude, longitude, accuracy_radius).
 *
 *   mmdb_bench <database.mmdb> <addresses.txt> [passes]
 *
 * Reads the addresses (one per line) into memory, opens the database (memory-mapped), then
 * times `passes` passes over all the addresses and prints one JSON object.
 * Built by `npm run bench`: cc -O2 bench/mmdb_bench.c -lmaxminddb.
 */
#define _POSIX_C_SOURCE 200809L
#include <maxminddb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s <database.mmdb> <addresses.txt> [passes]\n", argv[0]);
    return 2;
  }
  int passes = argc > 3 ? atoi(argv[3]) : 1;
  if (passes < 1) passes = 1;

  FILE *in = fopen(argv[2], "r");
  if (!in) {
    perror(argv[2]);
    return 1;
  }
  size_t capacity = 1 << 17, count = 0;
  char **addresses = malloc(capacity * sizeof *addresses);
  char *line = NULL;
  size_t line_size = 0;
  ssize_t length;
  while ((length = getline(&line, &line_size, in)) > 0) {
    while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r')) line[--length] = 0;
    if (length == 0 || line[0] == '#') continue;
    if (count == capacity) addresses = realloc(addresses, (capacity *= 2) * sizeof *addresses);
    addresses[count++] = strdup(line);
  }
  free(line);
  fclose(in);

  double open_started = now_ms();
  MMDB_s mmdb;
  int status = MMDB_open(argv[1], MMDB_MODE_MMAP, &mmdb);
  if (status != MMDB_SUCCESS) {
    fprintf(stderr, "%s: %s\n", argv[1], MMDB_strerror(status));
    return 1;
  }
  double open_ms = now_ms() - open_started;

  printf("{\"addresses\":%zu,\"open_ms\":%.3f,\"passes\":[", count, open_ms);
  long found = 0, city = 0;
  double checksum = 0;
  for (int pass = 0; pass < passes; pass++) {
    found = 0;
    city = 0;
    double started = now_ms();
    for (size_t i = 0; i < count; i++) {
      int gai_error, mmdb_error;
      MMDB_lookup_result_s result = MMDB_lookup_string(&mmdb, addresses[i], &gai_error, &mmdb_error);
      if (gai_error != 0 || mmdb_error != MMDB_SUCCESS || !result.found_entry) continue;
      MMDB_entry_data_s data;
      if (MMDB_get_value(&result.entry, &data, "country", "iso_code", NULL) == MMDB_SUCCESS && data.has_data) {
        found++;
        checksum += data.data_size;
      } else if (MMDB_get_value(&result.entry, &data, "registered_country", "iso_code", NULL) == MMDB_SUCCESS && data.has_data) {
        found++;
        checksum += data.data_size;
      }
      if (MMDB_get_value(&result.entry, &data, "country", "names", "en", NULL) == MMDB_SUCCESS && data.has_data) checksum += data.data_size;
      if (MMDB_get_value(&result.entry, &data, "city", "names", "en", NULL) == MMDB_SUCCESS && data.has_data) {
        city++;
        checksum += data.data_size;
      }
      if (MMDB_get_value(&result.entry, &data, "subdivisions", "0", "names", "en", NULL) == MMDB_SUCCESS && data.has_data) checksum += data.data_size;
      if (MMDB_get_value(&result.entry, &data, "location", "latitude", NULL) == MMDB_SUCCESS && data.has_data) checksum += data.double_value;
      if (MMDB_get_value(&result.entry, &data, "location", "longitude", NULL) == MMDB_SUCCESS && data.has_data) checksum += data.double_value;
      if (MMDB_get_value(&result.entry, &data, "location", "accuracy_radius", NULL) == MMDB_SUCCESS && data.has_data) checksum += data.uint16;
    }
    printf("%s%.3f", pass ? "," : "", now_ms() - started);
  }
  printf("],\"found\":%ld,\"city\":%ld,\"checksum\":%.1f,\"libmaxminddb\":\"%s\"}\n", found, city, checksum, MMDB_lib_version());
  MMDB_close(&mmdb);
  return 0;
}
