namespace ObjectStore.Runtime.Sql;

/// <summary>SQL shared by the runtime's PostgreSQL components.</summary>
internal static class PostgresSql
{
    /// <summary>
    /// Serializes schema migrations of every runtime component across processes for the migrating
    /// transaction (concurrent <c>CREATE TABLE IF NOT EXISTS</c> can otherwise fail on a unique index).
    /// </summary>
    public const string MigrationLock = "SELECT pg_advisory_xact_lock(7283451902771046401)";
}
