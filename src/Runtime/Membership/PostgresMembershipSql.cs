namespace ObjectStore.Runtime.Membership;

/// <summary>
/// Schema and statements of <see cref="PostgresMembership"/>. Every lease comparison uses the
/// database's <c>now()</c>, so clock skew between silos never decides who is alive.
/// </summary>
internal static class PostgresMembershipSql
{
    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE runtime_membership_version (
            id      integer PRIMARY KEY CHECK (id = 1),
            version bigint NOT NULL
        );
        INSERT INTO runtime_membership_version (id, version) VALUES (1, 0);
        CREATE TABLE runtime_silos (
            silo_id          text PRIMARY KEY,
            endpoint         text NOT NULL,
            status           text NOT NULL CHECK (status IN ('Joining', 'Active', 'ShuttingDown', 'Dead')),
            started_at       timestamptz NOT NULL,
            lease_expires_at timestamptz NOT NULL,
            updated          timestamptz NOT NULL
        );
        CREATE INDEX runtime_silos_live_lease ON runtime_silos (lease_expires_at) WHERE status <> 'Dead';
        """,
    ];

    public const string Join =
        "INSERT INTO runtime_silos (silo_id, endpoint, status, started_at, lease_expires_at, updated) " +
        "VALUES (@silo_id, @endpoint, 'Active', now(), now() + @lease, now()) ON CONFLICT (silo_id) DO NOTHING";

    // Only a lease that still holds is extended: once the row lapsed (or was declared dead), others
    // may already serve this silo's keys, and the silo must fence rather than come back to life.
    public const string Renew =
        "UPDATE runtime_silos SET lease_expires_at = now() + @lease, updated = now() " +
        "WHERE silo_id = @silo_id AND status IN ('Active', 'ShuttingDown') AND lease_expires_at > now()";

    public const string BeginLeave =
        "UPDATE runtime_silos SET status = 'ShuttingDown', updated = now() " +
        "WHERE silo_id = @silo_id AND status = 'Active' AND lease_expires_at > now()";

    public const string Leave =
        "UPDATE runtime_silos SET status = 'Dead', lease_expires_at = least(lease_expires_at, now()), updated = now() " +
        "WHERE silo_id = @silo_id AND status <> 'Dead'";

    // A lapse is turned into a versioned change by whichever silo sees it first, in the same
    // transaction as its view read, so one version always means one live set and peers hear of it at once.
    public const string DeclareLapsedDead =
        "UPDATE runtime_silos SET status = 'Dead', updated = now() WHERE status <> 'Dead' AND lease_expires_at <= now()";

    // The version row lock serializes membership changes; NOTIFY is delivered at commit.
    public const string BumpVersion =
        "WITH bumped AS (UPDATE runtime_membership_version SET version = version + 1 WHERE id = 1 RETURNING version) " +
        "SELECT version, pg_notify(@channel, version::text) FROM bumped";

    // One statement, so the version and the rows come from one snapshot.
    public const string ReadView =
        "SELECT v.version, s.silo_id, s.endpoint, s.status, s.started_at, s.lease_expires_at " +
        "FROM runtime_membership_version v " +
        "LEFT JOIN runtime_silos s ON s.status = 'Active' AND s.lease_expires_at > now() WHERE v.id = 1";

    public const string DeleteDefunct =
        "DELETE FROM runtime_silos WHERE (status = 'Dead' AND updated < now() - @expiration) OR lease_expires_at < now() - @expiration";
}
