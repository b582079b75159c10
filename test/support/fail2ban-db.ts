/** fail2ban sqlite databases for tests, built with sql.js in fail2ban's own schemas. */
import initSqlJs from 'sql.js';

/** fail2ban's schema v4 (0.11 and later), with its `bips` table, and the jails `sshd` and `recidive`. */
export const V4_SCHEMA = `
CREATE TABLE fail2banDb(version INTEGER);
CREATE TABLE jails(name TEXT NOT NULL UNIQUE, enabled INTEGER NOT NULL DEFAULT 1);
CREATE TABLE logs(jail TEXT NOT NULL, path TEXT, firstlinemd5 TEXT, lastfilepos INTEGER DEFAULT 0, FOREIGN KEY(jail) REFERENCES jails(name) ON DELETE CASCADE, UNIQUE(jail, path), UNIQUE(jail, path, firstlinemd5));
CREATE TABLE bans(jail TEXT NOT NULL, ip TEXT, timeofban INTEGER NOT NULL, bantime INTEGER NOT NULL, bancount INTEGER NOT NULL DEFAULT 1, data JSON, FOREIGN KEY(jail) REFERENCES jails(name));
CREATE INDEX bans_jail_timeofban_ip ON bans(jail, timeofban);
CREATE INDEX bans_jail_ip ON bans(jail, ip);
CREATE INDEX bans_ip ON bans(ip);
CREATE TABLE bips(ip TEXT NOT NULL, jail TEXT NOT NULL, timeofban INTEGER NOT NULL, bantime INTEGER NOT NULL, bancount INTEGER NOT NULL DEFAULT 1, data JSON, PRIMARY KEY(ip, jail), FOREIGN KEY(jail) REFERENCES jails(name));
INSERT INTO fail2banDb(version) VALUES (4);
INSERT INTO jails(name, enabled) VALUES ('sshd', 1), ('recidive', 1);
INSERT INTO logs(jail, path, firstlinemd5, lastfilepos) VALUES ('sshd', '/var/log/auth.log', 'd41d8cd98f00b204e9800998ecf8427e', 4096);
`;

/** Rows for one prepared statement of `fail2banDatabase`. */
export type Row = (string | number | null)[];

/** The bytes of an sqlite database made with sql.js: `schema` run, then each statement with its rows. */
export async function fail2banDatabase(schema: string, inserts: { sql: string; rows: Row[] }[]): Promise<Uint8Array> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(schema);
  for (const { sql, rows } of inserts) {
    const statement = db.prepare(sql);
    for (const row of rows) statement.run(row);
    statement.free();
  }
  const bytes = db.export();
  db.close();
  return bytes;
}
