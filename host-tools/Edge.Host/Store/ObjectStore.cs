using System.Globalization;
using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Microsoft.Data.Sqlite;

namespace Edge.Host.Store;

/// <summary>
/// The cluster's state in one SQLite file: every object by kind, namespace and name, one
/// resource version counter across all of them (as etcd's revision), and a log of changes
/// that watchers read from any resource version still retained.
/// </summary>
/// <remarks>
/// Each request is one transaction in WAL mode with synchronous=FULL: once a call returns,
/// the change survives the process being killed or the machine losing power. A batch either
/// lands whole or not at all. Watchers are told after the commit, never about a change that
/// could still roll back.
/// </remarks>
public sealed class ObjectStore : IDisposable
{
    /// <summary>Namespaces every cluster has, as Kubernetes creates them.</summary>
    public static readonly string[] BuiltInNamespaces = ["default", "kube-system"];

    /// <summary>The label every namespace carries with its own name (the API server sets it, whatever a manifest says), for namespaceSelectors.</summary>
    public const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    private const int SchemaVersion = 1;
    private readonly SqliteConnection _db;
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = NewSignal();

    private ObjectStore(SqliteConnection db, string path, int eventRetention)
    {
        _db = db;
        Path = path;
        EventRetention = eventRetention;
    }

    public string Path { get; }

    /// <summary>How many change events are kept for watchers that fall behind.</summary>
    public int EventRetention { get; }

    /// <summary>The resource version of the latest change (0 for a new store).</summary>
    public long ResourceVersion { get; private set; }

    /// <summary>Raised after each committed change, in resource version order.</summary>
    public event Action<WatchEvent>? Changed;

    /// <summary>Opens (creating if needed) the store at a path; ":memory:" keeps it in memory.</summary>
    public static ObjectStore Open(string path, int eventRetention = 5000)
    {
        if (path != ":memory:")
        {
            string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
            if (dir != null)
            {
                Directory.CreateDirectory(dir);
            }
        }

        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            db.Open();
            Execute(db, null, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
            long version = (long)Scalar(db, null, "PRAGMA user_version")!;
            if (version > SchemaVersion)
            {
                throw new StoreException(StoreError.Invalid,
                    $"{path} was written by a newer edgectl (schema {version}, this one reads {SchemaVersion}); upgrade edgectl or use another cluster name");
            }

            Execute(db, null, """
                CREATE TABLE IF NOT EXISTS objects (
                    kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
                    resource_version INTEGER NOT NULL, body TEXT NOT NULL,
                    PRIMARY KEY (kind, namespace, name));
                CREATE TABLE IF NOT EXISTS events (
                    resource_version INTEGER PRIMARY KEY, type TEXT NOT NULL, body TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
                INSERT OR IGNORE INTO counters VALUES ('resourceVersion', 0);
                PRAGMA user_version = 1;
                """);
        }
        catch (SqliteException e)
        {
            db.Dispose();
            throw new StoreException(StoreError.Invalid, $"cannot open the cluster store {path}: {e.Message}");
        }

        var store = new ObjectStore(db, path, eventRetention)
        {
            ResourceVersion = (long)Scalar(db, null, "SELECT value FROM counters WHERE name = 'resourceVersion'")!,
        };
        store.Batch(w =>
        {
            foreach (string ns in BuiltInNamespaces)
            {
                if (w.Get("Namespace", "", ns) == null)
                {
                    w.Create(NewNamespace(ns));
                }
            }
        });
        return store;
    }

    public KubeObject? Get(string kind, string ns, string name)
    {
        lock (_gate)
        {
            return new Writer(this, null).Get(kind, ns, name);
        }
    }

    /// <summary>Every object of a kind (in one namespace, or all when ns is null) and the resource version they were read at.</summary>
    public (List<KubeObject> Items, long ResourceVersion) List(string kind, string? ns = null)
    {
        lock (_gate)
        {
            using SqliteCommand cmd = _db.CreateCommand();
            cmd.CommandText = ns == null
                ? "SELECT body FROM objects WHERE kind = $kind ORDER BY namespace, name"
                : "SELECT body FROM objects WHERE kind = $kind AND namespace = $ns ORDER BY name";
            cmd.Parameters.AddWithValue("$kind", kind);
            cmd.Parameters.AddWithValue("$ns", ns ?? "");
            var items = new List<KubeObject>();
            using SqliteDataReader reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                items.Add(Parse(reader.GetString(0)));
            }

            return (items, ResourceVersion);
        }
    }

    public KubeObject Create(KubeObject obj) => Batch(w => w.Create(obj));

    /// <summary>Replaces an object; if it carries metadata.resourceVersion, only when that is still current.</summary>
    public KubeObject Update(KubeObject obj) => Batch(w => w.Update(obj));

    /// <summary>Creates the object or brings the stored one to its fields, keeping status and server-set metadata.</summary>
    public (ApplyOutcome Outcome, KubeObject Object) Apply(KubeObject obj) => Batch(w => w.Apply(obj));

    public KubeObject Delete(string kind, string ns, string name) => Batch(w => w.Delete(kind, ns, name));

    /// <summary>Runs several writes as one transaction: all of them land, or (on an exception) none.</summary>
    public void Batch(Action<Writer> work) => Batch(w =>
    {
        work(w);
        return 0;
    });

    private static readonly AsyncLocal<bool> DryRunning = new();

    /// <summary>
    /// Until disposed, this request's writes (on this async flow) are dry runs, as kube-apiserver's
    /// ?dryRun=All: validated, admitted and answered with the object they would make, then rolled back.
    /// </summary>
    public static IDisposable DryRun()
    {
        DryRunning.Value = true;
        return new DryRunScope();
    }

    private sealed class DryRunScope : IDisposable
    {
        public void Dispose() => DryRunning.Value = false;
    }

    public T Batch<T>(Func<Writer, T> work)
    {
        List<WatchEvent> events;
        T result;
        lock (_gate)
        {
            using SqliteTransaction tx = _db.BeginTransaction();
            var writer = new Writer(this, tx);
            long before = ResourceVersion;
            try
            {
                result = work(writer);
                if (writer.Events.Count > 0)
                {
                    long latest = writer.Events[^1].ResourceVersion;
                    Execute(_db, tx, "UPDATE counters SET value = $v WHERE name = 'resourceVersion'", ("$v", latest));
                    Execute(_db, tx, "DELETE FROM events WHERE resource_version <= $v", ("$v", latest - EventRetention));
                }

                if (DryRunning.Value)
                {
                    // ?dryRun=All: everything a write does, checked and answered, but nothing kept or told.
                    tx.Rollback();
                    ResourceVersion = before;
                    return result;
                }

                tx.Commit();
            }
            catch
            {
                ResourceVersion = before;
                throw;
            }

            events = writer.Events;
            if (events.Count > 0)
            {
                TaskCompletionSource signal = _changed;
                _changed = NewSignal();
                signal.TrySetResult();
            }
        }

        foreach (WatchEvent e in events)
        {
            Changed?.Invoke(e);
        }

        return result;
    }

    /// <summary>
    /// The changes after a resource version, oldest first, up to a limit. A version older than
    /// the retained log is refused as Kubernetes does (410 Gone): the watcher lists again.
    /// </summary>
    public List<WatchEvent> EventsSince(long resourceVersion, int limit = 1000)
    {
        lock (_gate)
        {
            long oldest = (long?)Scalar(_db, null, "SELECT MIN(resource_version) FROM events") ?? ResourceVersion + 1;
            if (resourceVersion < oldest - 1 && resourceVersion < ResourceVersion)
            {
                throw new StoreException(StoreError.Gone,
                    $"too old resource version: {resourceVersion} (the oldest kept is {oldest}); list again and watch from the list's resourceVersion");
            }

            using SqliteCommand cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT resource_version, type, body FROM events WHERE resource_version > $v ORDER BY resource_version LIMIT $n";
            cmd.Parameters.AddWithValue("$v", resourceVersion);
            cmd.Parameters.AddWithValue("$n", limit);
            var events = new List<WatchEvent>();
            using SqliteDataReader reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                events.Add(new WatchEvent(reader.GetInt64(0), Enum.Parse<WatchEventType>(reader.GetString(1)), Parse(reader.GetString(2))));
            }

            return events;
        }
    }

    /// <summary>Completes once the store moves past a resource version (at once if it already has).</summary>
    public Task WaitForChangeAsync(long resourceVersion, CancellationToken cancel)
    {
        lock (_gate)
        {
            return ResourceVersion > resourceVersion ? Task.CompletedTask : _changed.Task.WaitAsync(cancel);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _db.Dispose();
        }
    }

    private static KubeObject NewNamespace(string name) => new(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject { ["name"] = name },
    });

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static KubeObject Parse(string body) => new((JsonObject)JsonNode.Parse(body)!);

    private static void Execute(SqliteConnection db, SqliteTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        using SqliteCommand cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection db, SqliteTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        using SqliteCommand cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        object? result = cmd.ExecuteScalar();
        return result is DBNull ? null : result;
    }

    /// <summary>The writes of one transaction; each change takes the next resource version.</summary>
    public sealed class Writer
    {
        private readonly ObjectStore _store;
        private readonly SqliteTransaction? _tx;

        internal Writer(ObjectStore store, SqliteTransaction? tx)
        {
            _store = store;
            _tx = tx;
        }

        internal List<WatchEvent> Events { get; } = [];

        /// <summary>Every object of a kind, as this transaction sees them.</summary>
        public List<KubeObject> All(string kind)
        {
            using SqliteCommand cmd = _store._db.CreateCommand();
            cmd.Transaction = _tx;
            cmd.CommandText = "SELECT body FROM objects WHERE kind = $k ORDER BY namespace, name";
            cmd.Parameters.AddWithValue("$k", kind);
            var items = new List<KubeObject>();
            using SqliteDataReader reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                items.Add(Parse(reader.GetString(0)));
            }

            return items;
        }

        public KubeObject? Get(string kind, string ns, string name)
        {
            object? body = Scalar(_store._db, _tx, "SELECT body FROM objects WHERE kind = $k AND namespace = $ns AND name = $n",
                ("$k", kind), ("$ns", ns), ("$n", name));
            return body == null ? null : Parse((string)body);
        }

        /// <summary>
        /// True the first time this store is asked about <paramref name="name"/>, false ever after
        /// (the answer is kept in the store, with this transaction): for what the control plane makes
        /// once and then leaves to the user, who may change or delete it for good.
        /// </summary>
        public bool FirstTime(string name)
        {
            using SqliteCommand cmd = _store._db.CreateCommand();
            cmd.Transaction = _tx;
            cmd.CommandText = "INSERT OR IGNORE INTO counters VALUES ($n, 1)"; // a named flag beside the resource version counter
            cmd.Parameters.AddWithValue("$n", "once:" + name);
            return cmd.ExecuteNonQuery() == 1;
        }

        public KubeObject Create(KubeObject obj)
        {
            KubeObject created = Normalise(obj);
            if (Get(created.Kind, created.Namespace, created.Name) != null)
            {
                throw new StoreException(StoreError.AlreadyExists, $"{Describe(created)} already exists");
            }

            if (created.Kind == "Ingress")
            {
                IngressClasses.AdmitDefaultClass(created, All("IngressClass"));
            }

            if (created.Kind == "Pod")
            {
                AdmitPod(created);
            }

            if (created.Kind == "LimitRange")
            {
                LimitRanger.Default(created);
            }

            created.Metadata["uid"] = Guid.NewGuid().ToString();
            created.Metadata["creationTimestamp"] = KubeTime.Format(DateTime.UtcNow);
            if (created.Spec != null)
            {
                created.Metadata["generation"] = 1L;
            }

            return Write(WatchEventType.Added, created);
        }

        public KubeObject Update(KubeObject obj) => Replace(obj).Object;

        /// <summary>
        /// A new pod as kube-apiserver admits it: its containers' probes and ports defaulted
        /// (<see cref="PodDefaults"/>), requests defaulted from limits, the namespace's
        /// LimitRanges applied (or the pod forbidden), requests checked against limits again (a
        /// range's default limit can be below a request), and the QoS class in its status.
        /// </summary>
        private void AdmitPod(KubeObject pod)
        {
            PodDefaults.Apply(pod.Spec);
            PodResources.DefaultRequestsFromLimits(pod.Spec);
            List<string> forbidden = LimitRanger.Admit(pod, All("LimitRange").Where(r => r.Namespace == pod.Namespace).ToList());
            if (forbidden.Count > 0)
            {
                throw new StoreException(StoreError.Forbidden, LimitRanger.Forbidden(pod, forbidden));
            }

            List<string> invalid = PodResources.LimitProblems(pod.Spec, "spec").ToList();
            if (invalid.Count > 0)
            {
                throw new StoreException(StoreError.Invalid, $"Pod \"{pod.Name}\" is invalid: {string.Join(", ", invalid)}");
            }

            var status = pod.Json["status"] as JsonObject ?? (JsonObject)(pod.Json["status"] = new JsonObject { ["phase"] = "Pending" });
            status["qosClass"] = PodResources.QosClass(pod.Spec);
        }

        private (KubeObject Object, bool Changed) Replace(KubeObject obj)
        {
            KubeObject updated = Normalise(obj);
            if (updated.Kind == "LimitRange")
            {
                LimitRanger.Default(updated); // on every write, as the API defaults it: a re-applied range is unchanged
            }

            KubeObject current = Get(updated.Kind, updated.Namespace, updated.Name)
                ?? throw new StoreException(StoreError.NotFound, $"{Describe(updated)} not found");
            string? expected = (string?)updated.Metadata["resourceVersion"];
            string actual = (string?)current.Metadata["resourceVersion"] ?? "";
            if (expected != null && expected != actual)
            {
                throw new StoreException(StoreError.Conflict,
                    $"the object has been modified (resourceVersion {expected}, now {actual}); please apply your changes to the latest version and try again");
            }

            foreach (string field in new[] { "uid", "creationTimestamp", "generation" })
            {
                updated.Metadata[field] = current.Metadata[field]?.DeepClone();
            }

            if (current.Spec != null && !JsonNode.DeepEquals(current.Json["spec"], updated.Json["spec"]))
            {
                updated.Metadata["generation"] = ((long?)current.Metadata["generation"] ?? 0) + 1;
            }

            return Unchanged(current, updated) ? (current, false) : (Write(WatchEventType.Modified, updated), true);
        }

        public (ApplyOutcome Outcome, KubeObject Object) Apply(KubeObject obj)
        {
            KubeObject incoming = Normalise(obj);
            KubeObject? current = Get(incoming.Kind, incoming.Namespace, incoming.Name);
            if (current == null)
            {
                return (ApplyOutcome.Created, Create(incoming));
            }

            // The manifest owns every field but status and what the server sets in metadata.
            KubeObject merged = current.Clone();
            foreach (string field in merged.Json.Select(p => p.Key).Where(k => k is not ("metadata" or "status")).ToList())
            {
                merged.Json.Remove(field);
            }

            foreach (var (field, value) in incoming.Json)
            {
                if (field is not ("metadata" or "status"))
                {
                    merged.Json[field] = value?.DeepClone();
                }
            }

            foreach (string field in new[] { "labels", "annotations" })
            {
                merged.Metadata.Remove(field);
                if (incoming.Metadata[field] is JsonNode value)
                {
                    merged.Metadata[field] = value.DeepClone();
                }
            }

            if (incoming.Metadata["managedFields"] is JsonNode managers)
            {
                merged.Metadata["managedFields"] = managers.DeepClone(); // the API's server-side apply worked them out
            }

            ServerFields.CarryOver(current, merged);
            merged.Metadata.Remove("resourceVersion");
            var (result, changed) = Replace(merged);
            return (changed ? ApplyOutcome.Configured : ApplyOutcome.Unchanged, result);
        }

        public KubeObject Delete(string kind, string ns, string name)
        {
            KindInfo info = KindOf(kind);
            ns = info.Namespaced ? (ns.Length == 0 ? "default" : ns) : "";
            KubeObject current = Get(kind, ns, name)
                ?? throw new StoreException(StoreError.NotFound, $"{info.Plural} \"{name}\" not found{(ns.Length > 0 ? $" in namespace {ns}" : "")}");
            if (kind == "Namespace")
            {
                if (BuiltInNamespaces.Contains(name))
                {
                    throw new StoreException(StoreError.Invalid, $"namespace {name} is built in and cannot be deleted");
                }

                // Kubernetes empties a namespace before it goes; here that happens in the same transaction.
                using SqliteCommand cmd = _store._db.CreateCommand();
                cmd.Transaction = _tx;
                cmd.CommandText = "SELECT kind, name FROM objects WHERE namespace = $ns ORDER BY kind, name";
                cmd.Parameters.AddWithValue("$ns", name);
                var members = new List<(string Kind, string Name)>();
                using (SqliteDataReader reader = cmd.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        members.Add((reader.GetString(0), reader.GetString(1)));
                    }
                }

                foreach (var (memberKind, memberName) in members)
                {
                    Delete(memberKind, name, memberName);
                }
            }

            Execute(_store._db, _tx, "DELETE FROM objects WHERE kind = $k AND namespace = $ns AND name = $n", ("$k", kind), ("$ns", ns), ("$n", name));
            return Record(WatchEventType.Deleted, current, NextVersion());
        }

        private static bool Unchanged(KubeObject current, KubeObject updated)
        {
            KubeObject a = current.Clone(), b = updated.Clone();
            a.Metadata.Remove("resourceVersion");
            b.Metadata.Remove("resourceVersion");
            return JsonNode.DeepEquals(a.Json, b.Json);
        }

        /// <summary>Fills in what Kubernetes defaults (apiVersion, the default namespace, a namespace's name label) and refuses what cannot be stored.</summary>
        private KubeObject Normalise(KubeObject obj)
        {
            KubeObject copy = obj.Clone();
            KindInfo info = KindOf(copy.Kind);
            if (copy.Name.Length == 0)
            {
                throw new StoreException(StoreError.Invalid, $"{info.Kind}: metadata.name: required");
            }

            if (copy.ApiVersion.Length == 0)
            {
                copy.Json["apiVersion"] = info.ApiVersion;
            }

            if (copy.Kind == "Namespace")
            {
                if (copy.Metadata["labels"] is not JsonObject labels)
                {
                    copy.Metadata["labels"] = labels = [];
                }

                labels[NamespaceNameLabel] = copy.Name;
            }

            if (!info.Namespaced)
            {
                copy.Metadata.Remove("namespace");
                return copy;
            }

            if (copy.Namespace.Length == 0)
            {
                copy.Namespace = "default";
            }

            if (Get("Namespace", "", copy.Namespace) == null)
            {
                throw new StoreException(StoreError.NotFound,
                    $"namespaces \"{copy.Namespace}\" not found: create it first (kind: Namespace, or put it earlier in the same apply)");
            }

            return copy;
        }

        private static KindInfo KindOf(string kind) => KindInfo.ForKind(kind)
            ?? throw new StoreException(StoreError.Invalid, $"Edge does not keep {kind} objects");

        private static string Describe(KubeObject obj)
        {
            KindInfo info = KindOf(obj.Kind);
            return $"{info.Plural} \"{obj.Name}\"{(info.Namespaced ? $" in namespace {obj.Namespace}" : "")}";
        }

        private long NextVersion() => ++_store.ResourceVersion;

        private KubeObject Write(WatchEventType type, KubeObject obj)
        {
            long version = NextVersion();
            obj.Metadata["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture);
            Execute(_store._db, _tx, "INSERT OR REPLACE INTO objects VALUES ($k, $ns, $n, $v, $body)",
                ("$k", obj.Kind), ("$ns", obj.Namespace), ("$n", obj.Name), ("$v", version), ("$body", obj.Json.ToJsonString()));
            return Record(type, obj, version);
        }

        private KubeObject Record(WatchEventType type, KubeObject obj, long version)
        {
            Execute(_store._db, _tx, "INSERT INTO events VALUES ($v, $t, $body)", ("$v", version), ("$t", type.ToString()), ("$body", obj.Json.ToJsonString()));
            Events.Add(new WatchEvent(version, type, obj.Clone()));
            return obj;
        }
    }
}
