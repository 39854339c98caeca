namespace ObjectStore.Runtime.Membership;

/// <summary>
/// A membership group living in one process: the embedded default (one silo) and the test cluster (several
/// silos in one process). Views change synchronously; <see cref="Expel"/> plays a lapsed lease.
/// </summary>
public sealed class InProcessMembershipGroup
{
    private readonly object _lock = new();
    private readonly Dictionary<string, SiloInfo> _silos = new(StringComparer.Ordinal);
    private readonly List<InProcessMembership> _members = [];
    private MembershipView _view = MembershipView.Empty;

    /// <summary>The current view.</summary>
    public MembershipView View
    {
        get { lock (_lock) return _view; }
    }

    /// <summary>Drops a silo as if its lease lapsed: it leaves every view and its own provider fences.</summary>
    public void Expel(string siloId)
    {
        InProcessMembership[] fenced;
        lock (_lock)
        {
            _silos.Remove(siloId);
            fenced = [.. _members.Where(m => m.SiloId == siloId)];
        }
        Publish();
        foreach (var member in fenced) member.Fence();
    }

    internal void Attach(InProcessMembership member)
    {
        lock (_lock) _members.Add(member);
    }

    internal void Detach(InProcessMembership member)
    {
        lock (_lock) _members.Remove(member);
    }

    internal void Set(SiloInfo silo)
    {
        lock (_lock) _silos[silo.SiloId] = silo;
        Publish();
    }

    internal void Remove(string siloId)
    {
        lock (_lock) _silos.Remove(siloId);
        Publish();
    }

    private void Publish()
    {
        MembershipView view;
        InProcessMembership[] members;
        lock (_lock)
        {
            _view = new MembershipView(_view.Version + 1, [.. _silos.Values.Where(s => s.Status == SiloStatus.Active)]);
            view = _view;
            members = [.. _members];
        }
        foreach (var member in members) member.Apply(view);
    }
}

/// <summary>One silo's (or client's) handle on an <see cref="InProcessMembershipGroup"/>; leases never lapse on their own.</summary>
public sealed class InProcessMembership : IMembershipProvider
{
    private readonly InProcessMembershipGroup _group;
    private readonly object _lock = new();
    private MembershipView _current;
    private SiloInfo? _self;

    /// <summary>A provider with a private group (a single embedded silo).</summary>
    public InProcessMembership() : this(new InProcessMembershipGroup()) { }

    /// <summary>A provider on a shared group.</summary>
    public InProcessMembership(InProcessMembershipGroup group)
    {
        _group = group;
        _current = group.View;
        group.Attach(this);
    }

    /// <inheritdoc/>
    public MembershipView Current
    {
        get { lock (_lock) return _current; }
    }

    /// <inheritdoc/>
    public event Action<MembershipView>? ViewChanged;

    /// <inheritdoc/>
    public event Action? Fenced;

    /// <inheritdoc/>
    public bool IsFenced { get; private set; }

    internal string? SiloId => _self?.SiloId;

    /// <inheritdoc/>
    public Task JoinAsync(string siloId, string endpoint, CancellationToken cancellationToken)
    {
        _self = new SiloInfo(siloId, endpoint, SiloStatus.Active, DateTimeOffset.UtcNow, DateTimeOffset.MaxValue);
        _group.Set(_self);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task BeginLeaveAsync(CancellationToken cancellationToken)
    {
        if (_self is not null) _group.Set(_self = _self with { Status = SiloStatus.ShuttingDown });
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task LeaveAsync(CancellationToken cancellationToken)
    {
        if (_self is not null) _group.Remove(_self.SiloId);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task RefreshAsync(CancellationToken cancellationToken)
    {
        Apply(_group.View);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _group.Detach(this);
        return ValueTask.CompletedTask;
    }

    internal void Apply(MembershipView view)
    {
        lock (_lock)
        {
            if (view.Version <= _current.Version) return;
            _current = view;
        }
        ViewChanged?.Invoke(view);
    }

    internal void Fence()
    {
        if (IsFenced) return;
        IsFenced = true;
        Fenced?.Invoke();
    }
}
