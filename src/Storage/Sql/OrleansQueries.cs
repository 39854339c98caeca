namespace ObjectStore.Storage.Sql;

/// <summary>
/// The statements Orleans' ADO.NET providers (Clustering, Reminders, Persistence 10.4.2, invariant
/// <c>"Npgsql"</c>) read from <c>OrleansQuery</c> at start-up, keyed by the names the providers look up.
/// The providers bind parameters by name (<c>@Name</c>) and read result columns by name, case-insensitively;
/// every result column is therefore aliased to the exact name the provider asks for.
/// </summary>
/// <remarks>
/// ### Membership table version (clustering)
/// One <c>orleans_membership_version</c> row per cluster (DeploymentId) holds the table version every
/// membership write compares and swaps. Insert and update of a member row:
/// 1. Bump the version from <c>@Version</c> to <c>@Version + 1</c>, only if the member row is absent
///    (insert) or present (update). The bump row-locks the version row, so writers queue behind it.
/// 2. Write the member row, only if step 1 bumped.
/// 3. Return true only if step 2 wrote a row.
///
/// OK: both happened, in one statement (atomic).
/// Conflict (stale @Version, row already there / not there): nothing changes, false.
/// Error: the statement fails as a whole; nothing changes.
///
/// Heartbeats (<c>UpdateIAmAlivetimeKey</c>) do not touch the version: liveness is best-effort and
/// must not make every concurrent membership write fail its CAS. <c>i_am_alive_time</c> only moves
/// forward (GREATEST), so an update carrying a value read before a heartbeat cannot move it back.
///
/// ### Grain state
/// 1. <c>@GrainStateVersion</c> NULL: insert version 1 unless a row exists.
/// 2. Otherwise: update only the row whose version equals <c>@GrainStateVersion</c>, version + 1.
/// 3. Always return exactly one row, <c>NewGrainStateVersion</c>: the new version, or NULL on a
///    stale version. The provider raises InconsistentStateException on NULL; on zero rows with no
///    ETag it would silently accept the write, hence "always one row".
/// </remarks>
internal static class OrleansQueries
{
    // ---- Clustering (Microsoft.Orleans.Clustering.AdoNet) ----

    // Selecting from the version row LEFT JOIN members: the provider needs the version row even
    // when there is no member (a NULL StartTime means "no member"), and one statement gives one
    // snapshot, so the version read always matches the rows read.
    private const string MemberColumns = """
        v.version AS "Version",
        m.address AS "Address",
        m.port AS "Port",
        m.generation AS "Generation",
        m.silo_name AS "SiloName",
        m.host_name AS "HostName",
        m.status AS "Status",
        m.proxy_port AS "ProxyPort",
        m.suspect_times AS "SuspectTimes",
        m.start_time AS "StartTime",
        m.i_am_alive_time AS "IAmAliveTime"
        """;

    public const string MembershipReadAll = $"""
        SELECT
        {MemberColumns}
        FROM orleans_membership_version v
        LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
        WHERE v.deployment_id = @DeploymentId
        """;

    public const string MembershipReadRow = $"""
        SELECT
        {MemberColumns}
        FROM orleans_membership_version v
        LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
            AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
        WHERE v.deployment_id = @DeploymentId
        """;

    public const string InsertMembershipVersion = """
        WITH inserted AS (
            INSERT INTO orleans_membership_version (deployment_id) VALUES (@DeploymentId)
            ON CONFLICT (deployment_id) DO NOTHING
            RETURNING 1
        )
        SELECT EXISTS (SELECT 1 FROM inserted)
        """;

    // Step 1 of insert and update: the CAS on the table version, row-locking the version row.
    private const string BumpVersion = """
        UPDATE orleans_membership_version
            SET version = version + 1, modified_at = now()
            WHERE deployment_id = @DeploymentId AND version = @Version
        """;

    private const string MemberRow = """
        SELECT 1 FROM orleans_membership
            WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
        """;

    // ON CONFLICT cannot fire after the NOT EXISTS (every member insert first takes the version
    // row lock); it is there so that, if it ever did, the answer is false rather than an error.
    public const string InsertMembership = $"""
        WITH bumped AS (
            {BumpVersion} AND NOT EXISTS ({MemberRow})
            RETURNING deployment_id
        ), inserted AS (
            INSERT INTO orleans_membership
                (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
            SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
            FROM bumped
            ON CONFLICT (deployment_id, address, port, generation) DO NOTHING
            RETURNING 1
        )
        SELECT EXISTS (SELECT 1 FROM inserted)
        """;

    public const string UpdateMembership = $"""
        WITH bumped AS (
            {BumpVersion} AND EXISTS ({MemberRow})
            RETURNING deployment_id
        ), updated AS (
            UPDATE orleans_membership m
            SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = GREATEST(m.i_am_alive_time, @IAmAliveTime)
            FROM bumped
            WHERE m.deployment_id = bumped.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
            RETURNING 1
        )
        SELECT EXISTS (SELECT 1 FROM updated)
        """;

    public const string UpdateIAmAliveTime = """
        UPDATE orleans_membership
        SET i_am_alive_time = GREATEST(i_am_alive_time, @IAmAliveTime)
        WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
        """;

    // Members go with the version row (foreign key ON DELETE CASCADE).
    public const string DeleteMembershipTableEntries = """
        DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId
        """;

    // Only the fallback when CleanupDefunctSiloEntryKey is missing; 10.4.2 prefers the per-row key.
    // Removing Dead rows does not bump the version: no live member's view depends on them.
    public const string CleanupDefunctSiloEntries = """
        DELETE FROM orleans_membership
        WHERE deployment_id = @DeploymentId AND status = 6
            AND i_am_alive_time < @IAmAliveTime AND start_time < @IAmAliveTime
        """;

    // The provider passes the values it read; the row goes only if none of them changed since.
    // SuspectTimes: an empty string is read back as "no votes" and passed as NULL, so '' = NULL here.
    public const string CleanupDefunctSiloEntry = """
        DELETE FROM orleans_membership
        WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
            AND status = 6 AND start_time = @StartTime AND i_am_alive_time = @IAmAliveTime
            AND COALESCE(suspect_times, '') = COALESCE(@SuspectTimes, '')
        """;

    public const string Gateways = """
        SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
        FROM orleans_membership
        WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
        """;

    // ---- Reminders (Microsoft.Orleans.Reminders.AdoNet) ----

    private const string ReminderColumns = """
        grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime", period AS "Period", version AS "Version"
        """;

    public const string ReadReminderRows = $"""
        SELECT {ReminderColumns} FROM orleans_reminders
        WHERE service_id = @ServiceId AND grain_id = @GrainId
        """;

    public const string ReadReminderRow = $"""
        SELECT {ReminderColumns} FROM orleans_reminders
        WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
        """;

    // Hashes are Orleans' uint ring positions cast to int: the provider picks Rows1 when
    // (int)begin < (int)end (a plain interval) and Rows2 otherwise (the interval wraps).
    public const string ReadRangeRows1 = $"""
        SELECT {ReminderColumns} FROM orleans_reminders
        WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
        """;

    public const string ReadRangeRows2 = $"""
        SELECT {ReminderColumns} FROM orleans_reminders
        WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
        """;

    public const string UpsertReminderRow = """
        INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, start_time, period, grain_hash, version)
        VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
        ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
            SET start_time = excluded.start_time, period = excluded.period, grain_hash = excluded.grain_hash,
                version = orleans_reminders.version + 1
        RETURNING version AS "Version"
        """;

    public const string DeleteReminderRow = """
        WITH deleted AS (
            DELETE FROM orleans_reminders
            WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version
            RETURNING 1
        )
        SELECT EXISTS (SELECT 1 FROM deleted)
        """;

    public const string DeleteReminderRows = """
        DELETE FROM orleans_reminders WHERE service_id = @ServiceId
        """;

    // ---- Grain state (Microsoft.Orleans.Persistence.AdoNet) ----

    // The identity is the full key; the hashes the provider also sends are stored but not matched,
    // so a change of Orleans' hash picker cannot hide existing state.
    private const string GrainKey = """
        service_id = @ServiceId AND grain_type_string = @GrainTypeString
            AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
            AND grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString
        """;

    public const string ReadFromStorage = $"""
        SELECT payload_binary AS "PayloadBinary", version AS "Version"
        FROM orleans_storage
        WHERE {GrainKey}
        """;

    public const string WriteToStorage = $"""
        WITH updated AS (
            UPDATE orleans_storage
            SET payload_binary = @PayloadBinary, version = version + 1, modified_on = now(),
                grain_id_hash = @GrainIdHash, grain_type_hash = @GrainTypeHash
            WHERE {GrainKey} AND version = @GrainStateVersion
            RETURNING version
        ), inserted AS (
            INSERT INTO orleans_storage
                (service_id, grain_type_string, grain_id_n0, grain_id_n1, grain_id_extension_string,
                 grain_id_hash, grain_type_hash, payload_binary, version, modified_on)
            SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
                @GrainIdHash, @GrainTypeHash, @PayloadBinary, 1, now()
            WHERE @GrainStateVersion IS NULL
            ON CONFLICT DO NOTHING
            RETURNING version
        )
        SELECT (SELECT version FROM updated UNION ALL SELECT version FROM inserted) AS "NewGrainStateVersion"
        """;

    // Clear keeps the row (payload NULL) so the version keeps counting: a writer holding the
    // pre-clear ETag is refused afterwards.
    public const string ClearStorage = $"""
        WITH cleared AS (
            UPDATE orleans_storage
            SET payload_binary = NULL, version = version + 1, modified_on = now()
            WHERE {GrainKey} AND version = @GrainStateVersion
            RETURNING version
        )
        SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion"
        """;

    // Used with DeleteStateOnClear. The provider treats any value other than NULL, '' and
    // @GrainStateVersion itself as success, so the deleted row's version + 1 is returned.
    public const string DeleteStorage = $"""
        WITH deleted AS (
            DELETE FROM orleans_storage
            WHERE {GrainKey} AND version = @GrainStateVersion
            RETURNING version
        )
        SELECT (SELECT version + 1 FROM deleted) AS "NewGrainStateVersion"
        """;

    /// <summary>Every statement by the key the providers look it up with.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> All =
    [
        new("MembershipReadAllKey", MembershipReadAll),
        new("MembershipReadRowKey", MembershipReadRow),
        new("InsertMembershipVersionKey", InsertMembershipVersion),
        new("InsertMembershipKey", InsertMembership),
        new("UpdateMembershipKey", UpdateMembership),
        new("UpdateIAmAlivetimeKey", UpdateIAmAliveTime),
        new("DeleteMembershipTableEntriesKey", DeleteMembershipTableEntries),
        new("CleanupDefunctSiloEntriesKey", CleanupDefunctSiloEntries),
        new("CleanupDefunctSiloEntryKey", CleanupDefunctSiloEntry),
        new("GatewaysQueryKey", Gateways),
        new("ReadReminderRowsKey", ReadReminderRows),
        new("ReadReminderRowKey", ReadReminderRow),
        new("ReadRangeRows1Key", ReadRangeRows1),
        new("ReadRangeRows2Key", ReadRangeRows2),
        new("UpsertReminderRowKey", UpsertReminderRow),
        new("DeleteReminderRowKey", DeleteReminderRow),
        new("DeleteReminderRowsKey", DeleteReminderRows),
        new("ReadFromStorageKey", ReadFromStorage),
        new("WriteToStorageKey", WriteToStorage),
        new("ClearStorageKey", ClearStorage),
        new("DeleteStorageKey", DeleteStorage),
    ];
}
