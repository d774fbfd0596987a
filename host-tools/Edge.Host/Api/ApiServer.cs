using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Dataplane.Agent;
using Edge.Host.Api.Apply;
using Edge.Host.Api.OpenApi;
using Edge.Host.Cluster;
using Edge.Host.Manifests;
using Edge.Host.Objects;
using Edge.Host.Sessions;
using Edge.Host.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Edge.Host.Api;

/// <summary>
/// The control plane's Kubernetes-shaped JSON API, what edgectl talks to: lists and objects at
/// the paths kubectl uses (<c>/api/v1/namespaces/default/pods</c>), server-side apply as PATCH,
/// Status objects for errors, the OpenAPI documents of Edge's kinds and field validation against
/// them (?fieldValidation=Strict|Warn|Ignore, as kubectl's --validate asks), and Edge's own
/// subresources: a pod's exec (output streamed as JSON lines) and a node's iptables/ipvs/conntrack views. Bound to loopback it is open, as a
/// kind cluster's is to its user; bound anywhere else it answers only with the bearer token.
/// </summary>
public sealed partial class ApiServer : IAsyncDisposable
{
    public const string Version = "0.1.0";

    /// <summary>The Kubernetes version the API answers to (/version, the OpenAPI documents' info).</summary>
    public const string KubernetesVersion = "v1.31.0-edge." + Version;
    public const string ApplyContentType = "application/apply-patch+json";

    /// <summary>JSON merge patch (RFC 7386): `kubectl label`, `annotate`, `patch --type merge`.</summary>
    public const string MergePatchContentType = "application/merge-patch+json";
    public const string StrategicMergePatchContentType = "application/strategic-merge-patch+json";
    public const string JsonPatchContentType = "application/json-patch+json";

    /// <summary>Server-side apply as kubectl sends it (`kubectl apply --server-side`): YAML, of which JSON is a part.</summary>
    public const string ApplyYamlContentType = "application/apply-patch+yaml";
    public const string OutcomeHeader = "Edge-Apply-Outcome";

    private readonly WebApplication _app;

    /// <summary>How long a watch that asked for bookmarks (allowWatchBookmarks=true) stays quiet before one comes: about a minute, as kube-apiserver sends them.</summary>
    public TimeSpan WatchBookmarkInterval { get; set; } = TimeSpan.FromMinutes(1);
    private readonly ControlPlane _controlPlane;

    private ApiServer(WebApplication app, ControlPlane controlPlane)
    {
        _app = app;
        _controlPlane = controlPlane;
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>Starts serving; port 0 takes a free one (see <see cref="Address"/>).</summary>
    public static async Task<ApiServer> StartAsync(ControlPlane controlPlane, IPAddress listen, int port, string? token)
    {
        if (!IPAddress.IsLoopback(listen) && string.IsNullOrEmpty(token))
        {
            throw new ArgumentException($"the API would be reachable beyond this machine on {listen}; give it a token (--token) or listen on 127.0.0.1");
        }

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(listen, port));
        WebApplication app = builder.Build();
        var server = new ApiServer(app, controlPlane);
        app.UseWebSockets(); // kubectl exec (1.30 and later)
        app.Run(context => server.Handle(context, token));
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new IOException($"cannot listen on {listen}:{port}: {e.Message} (another control plane running? `edgectl lab status`)", e);
        }

        server.Address = new Uri(app.Urls.First());
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task Handle(HttpContext context, string? token)
    {
        HttpRequest request = context.Request;
        if (!string.IsNullOrEmpty(token) && request.Headers.Authorization != "Bearer " + token)
        {
            await Status(context, 401, "Unauthorized", "this API needs its token: edgectl reads it from the lab's file; others send Authorization: Bearer TOKEN");
            return;
        }

        string path = request.Path.Value ?? "/";
        try
        {
            if (FromAnotherSite(request))
            {
                await Status(context, 403, "Forbidden", "a web page from another site cannot write through Edge's API or open its streams (the API trusts what runs on this machine, not what a browser was sent)");
                return;
            }

            if (request.Method == "POST" && path.StartsWith("/edge/v1/", StringComparison.Ordinal) && !FromAClient(request))
            {
                await Status(context, 403, "Forbidden", "Edge's own requests take a JSON body from a client (edgectl), not a form from a web page: send Content-Type: application/json and no Origin");
                return;
            }

            switch (path)
            {
                case "/healthz":
                case "/readyz":
                    await context.Response.WriteAsync("ok");
                    return;
                case "/version":
                    await Json(context, 200, new JsonObject { ["major"] = "1", ["minor"] = "31", ["gitVersion"] = KubernetesVersion, ["platform"] = "edge" });
                    return;
                case "/edge/v1/boards" when request.Method == "POST":
                    // Dial another board (lab up adding nodes to a running lab); one already dialled is left as it is.
                    JsonNode? body = await JsonNode.ParseAsync(request.Body);
                    BoardConnection added = _controlPlane.AddBoard(BoardLink.Parse((string?)body?["link"] ?? throw new FormatException("give the board's link: {\"link\": \"tcp://127.0.10.4:7900\"}")));
                    await Json(context, 200, new JsonObject { ["link"] = added.Link.ToString() });
                    return;
                case "/edge/v1/boards":
                    await Json(context, 200, Boards());
                    return;
                case "/edge/v1/rekey" when request.Method == "POST":
                    await Rekey(context);
                    return;
                case "/edge/v1/traces" when request.Method == "POST":
                    await TraceAsync(context);
                    return;
            }

            if (request.Method == "GET" && await OpenApiEndpoint.TryServe(context, path))
            {
                return;
            }

            if (request.Method == "GET" && AggregatedDiscovery.Wanted(request.Headers.Accept) is { } aggregatedVersion
                && AggregatedDiscovery.For(path, aggregatedVersion, request.Host.Value ?? "") is { } aggregated)
            {
                context.Response.Headers.Vary = "Accept";
                await Json(context, 200, aggregated, AggregatedDiscovery.ContentType(aggregatedVersion));
                return;
            }

            if (request.Method == "GET" && Discovery.For(path, request.Host.Value ?? "") is { } discovery)
            {
                await Json(context, 200, discovery);
                return;
            }

            ResourcePath? resource = ResourcePath.Parse(path);
            if (resource == null)
            {
                await Status(context, 404, "NotFound", $"the server could not find the requested resource ({path})");
                return;
            }

            string? dryRun = request.Query["dryRun"];
            if (!string.IsNullOrEmpty(dryRun) && request.Method is "POST" or "PUT" or "PATCH" or "DELETE")
            {
                if (dryRun != "All")
                {
                    throw new ApiException(400, "BadRequest", $"dryRun: Unsupported value: \"{dryRun}\": supported values: \"All\"");
                }

                using (ObjectStore.DryRun())
                {
                    await Dispatch(context, resource);
                }

                return;
            }

            await Dispatch(context, resource);
        }
        catch (StoreException e)
        {
            await Status(context, e.HttpStatus, e.Error.ToString(), e.Message);
        }
        catch (ApiException e)
        {
            await Status(context, e.Code, e.Reason, e.Message, e.Details);
        }
        catch (JsonException e)
        {
            await Status(context, 400, "BadRequest", "the body is not JSON: " + e.Message);
        }
        catch (FormatException e)
        {
            await Status(context, 400, "BadRequest", e.Message);
        }
        catch (BoardSessionException e)
        {
            await Status(context, 503, "ServiceUnavailable", e.Message);
        }
    }

    private async Task Dispatch(HttpContext context, ResourcePath r)
    {
        ObjectStore store = _controlPlane.Store;
        string method = context.Request.Method;
        string ns = r.Namespace ?? (r.Kind.Namespaced ? "default" : "");
        if (r.Subresource != null)
        {
            await Subresource(context, r, ns);
            return;
        }

        if (r.Name == null && method == "GET" && context.Request.Query["watch"] is { Count: > 0 } watch && watch[0] is "true" or "1")
        {
            await Watch(context, r);
            return;
        }

        if (r.Name == null && method == "GET")
        {
            (List<KubeObject> items, long rv) = store.List(r.Kind.Kind, r.Kind.Namespaced ? r.Namespace : null);
            string? selector = context.Request.Query["labelSelector"];
            if (!string.IsNullOrEmpty(selector))
            {
                LabelSelector parsed = LabelSelector.Parse(selector);
                items = items.Where(o => parsed.Matches(o.Labels)).ToList();
            }

            if (FieldSelector.Parse(context.Request.Query["fieldSelector"], r.Kind.Kind) is FieldSelector fields)
            {
                items = items.Where(fields.Matches).ToList();
            }

            string version = rv.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (ServerSidePrinting.Wanted(context.Request.Headers.Accept))
            {
                await Table(context, ServerSidePrinting.Table(r.Kind, items, version, DateTime.UtcNow, context.Request.Query["includeObject"]));
                return;
            }

            await Json(context, 200, new JsonObject
            {
                ["kind"] = r.Kind.Kind + "List",
                ["apiVersion"] = r.Kind.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = version },
                ["items"] = new JsonArray(items.Select(o => (JsonNode)o.Json).ToArray()),
            });
            return;
        }

        if (r.Name == null && method == "POST")
        {
            KubeObject creating = Admitted(await Written(context, r, ns, null));
            ServerSideApply.RecordUpdate(null, creating, r.Kind, UpdateManager(context), DateTime.UtcNow);
            KubeObject created = store.Create(creating);
            await Json(context, 201, created.Json);
            return;
        }

        if (r.Name == null)
        {
            await Status(context, 405, "MethodNotAllowed", $"{method} is not supported on a list");
            return;
        }

        switch (method)
        {
            case "GET":
                KubeObject obj = Existing(store, r.Kind, ns, r.Name);
                if (ServerSidePrinting.Wanted(context.Request.Headers.Accept))
                {
                    await Table(context, ServerSidePrinting.Table(r.Kind, [obj], (string?)obj.Metadata["resourceVersion"] ?? "", DateTime.UtcNow, context.Request.Query["includeObject"]));
                    return;
                }

                await Json(context, 200, obj.Json);
                return;
            case "PUT":
                KubeObject replacing = Admitted(await Written(context, r, ns, r.Name));
                ServerSideApply.RecordUpdate(Existing(store, r.Kind, ns, r.Name), replacing, r.Kind, UpdateManager(context), DateTime.UtcNow);
                await Json(context, 200, store.Update(replacing).Json);
                return;
            case "PATCH" when context.Request.ContentType is { } type
                && (type.StartsWith(ApplyContentType, StringComparison.Ordinal) || type.StartsWith(ApplyYamlContentType, StringComparison.Ordinal)):
                KubeObject config = Admitted(await Applied(context, r, ns, r.Name));
                string applier = ApplyManager(context);
                bool force = context.Request.Query["force"] == "true";
                DateTime appliedAt = DateTime.UtcNow;
                (ApplyOutcome outcome, KubeObject applied) = store.Batch(w =>
                    w.Apply(ServerSideApply.Apply(w.Get(r.Kind.Kind, config.Namespace, r.Name), config, r.Kind, applier, force, appliedAt)));
                context.Response.Headers[OutcomeHeader] = outcome.ToString().ToLowerInvariant();
                await Json(context, outcome == ApplyOutcome.Created ? 201 : 200, applied.Json);
                return;
            case "PATCH" when PatchMerge(context, r) is { } merge:
                KubeObject before = Existing(store, r.Kind, ns, r.Name);
                KubeObject patched = await Patched(context, r, before, merge);
                ServerSideApply.RecordUpdate(before, patched, r.Kind, UpdateManager(context), DateTime.UtcNow);
                await Json(context, 200, store.Update(patched).Json);
                return;
            case "PATCH":
                await UnsupportedPatch(context);
                return;
            case "DELETE":
                await Json(context, 200, DeletePropagation.Delete(store, r.Kind.Kind, ns, r.Name, await DeletePropagation.PolicyOf(context)).Json);
                return;
            default:
                await Status(context, 405, "MethodNotAllowed", $"{method} is not supported here");
                return;
        }
    }

    /// <summary>Who makes a write that is not an apply: ?fieldManager=, else the client's name (its User-Agent up to the first '/'), as kube-apiserver names it.</summary>
    private static string UpdateManager(HttpContext context) =>
        FieldManager(context) ?? (context.Request.Headers.UserAgent.ToString().Split('/')[0] is { Length: > 0 } agent ? agent : "unknown");

    /// <summary>An apply's manager: kube-apiserver requires it.</summary>
    private static string ApplyManager(HttpContext context) => FieldManager(context)
        ?? throw new ApiException(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");

    private static string? FieldManager(HttpContext context) =>
        context.Request.Query["fieldManager"] is { Count: > 0 } named && named[0] is { Length: > 0 } manager ? manager : null;

    /// <summary>How a PATCH's body merges into the object, by its media type: JSON merge patch, strategic merge patch (the kind's list merge keys) or JSON patch; null for others.</summary>
    private static Func<JsonObject, JsonNode?, JsonObject>? PatchMerge(HttpContext context, ResourcePath r)
    {
        string type = context.Request.ContentType ?? "";
        if (type.StartsWith(MergePatchContentType, StringComparison.Ordinal))
        {
            return (current, patch) => (JsonObject)MergePatch.Apply(current, patch)!;
        }

        if (type.StartsWith(StrategicMergePatchContentType, StringComparison.Ordinal))
        {
            ApiType schema = ApiTypes.Of(r.Kind);
            return (current, patch) => StrategicMergePatch.Apply(current, patch, schema);
        }

        return type.StartsWith(JsonPatchContentType, StringComparison.Ordinal) ? JsonPatch.Apply : null;
    }

    private static Task UnsupportedPatch(HttpContext context) => Status(context, 415, "UnsupportedMediaType",
        $"the body of the request was in an unknown format - accepted media types include: {JsonPatchContentType}, {MergePatchContentType}, {StrategicMergePatchContentType}, {ApplyYamlContentType}, {ApplyContentType}");

    /// <summary>
    /// A write to an object's status subresource (kubectl patch --subresource=status): the patch
    /// or the whole object as PUT sends it, of which only .status is taken; the rest stays as it is.
    /// </summary>
    private async Task StatusWrite(HttpContext context, ResourcePath r, string ns)
    {
        ObjectStore store = _controlPlane.Store;
        KubeObject current = Existing(store, r.Kind, ns, r.Name!);
        KubeObject written;
        if (context.Request.Method == "PUT")
        {
            written = await Written(context, r, ns, r.Name);
        }
        else if (PatchMerge(context, r) is { } merge)
        {
            written = await Patched(context, r, current, merge);
        }
        else
        {
            await UnsupportedPatch(context);
            return;
        }

        KubeObject updated = current.Clone();
        updated.Json["status"] = written.Json["status"]?.DeepClone();
        await Json(context, 200, store.Update(updated).Json);
    }

    /// <summary>
    /// An object as a patch leaves it, field-validated as kube-apiserver validates a patched
    /// object (unknown or repeated fields refused under fieldValidation=Strict, warned of under
    /// Warn) and admitted; the patch may not change what the object is.
    /// </summary>
    private async Task<KubeObject> Patched(HttpContext context, ResourcePath r, KubeObject current, Func<JsonObject, JsonNode?, JsonObject> merge)
    {
        FieldValidationDirective directive = FieldValidation.Directive(context.Request.Query["fieldValidation"]);
        var duplicates = new List<string>();
        JsonNode? patch = StrictJson.Parse(await BodyBytes(context), duplicates);
        var patched = new KubeObject(merge((JsonObject)current.Json.DeepClone(), patch));
        if (patched.Kind != current.Kind || patched.Name != current.Name || patched.Namespace != current.Namespace)
        {
            throw new FormatException("a patch cannot change an object's kind, name or namespace");
        }

        RefuseWrongTypes(r, patched);

        List<string> problems = FieldValidation.Problems(duplicates, FieldValidation.RemoveUnknown(patched.Json, ApiTypes.Of(r.Kind)));
        if (problems.Count > 0 && directive == FieldValidationDirective.Strict)
        {
            throw new ApiException(422, "Invalid", FieldValidation.InvalidPatchMessage(patched.Json, problems));
        }

        Warn(context, directive, problems);
        return Admitted(patched);
    }

    /// <summary>
    /// What is written through the API (kubectl's writes, edgectl's) passes the same checks as a
    /// manifest `edgectl apply` reads (<see cref="ManifestValidator"/>): an object Kubernetes or
    /// Edge would refuse is refused with 422 Invalid, its problems in kube-apiserver's layout
    /// (<c>NetworkPolicy.networking.k8s.io "x" is invalid: spec...: ...</c>); a Service that asks for
    /// the kubernetes service's address is refused as kube-apiserver's allocator refuses it.
    /// </summary>
    private KubeObject Admitted(KubeObject obj)
    {
        if (obj.Kind == "Secret")
        {
            SecretDefaults.Apply(obj);
        }

        List<ManifestProblem> errors = ManifestValidator.Validate(new ManifestDocument("", obj, new Dictionary<string, int>()))
            .Where(p => !p.IsWarning).ToList();
        if (errors.Count == 0)
        {
            KubeObject? stored = obj.Kind == "Service" ? _controlPlane.Store.Get("Service", obj.Namespace.Length > 0 ? obj.Namespace : "default", obj.Name) : null;
            return Edge.Host.Controllers.KubernetesService.AddressProblem(obj, stored, _controlPlane.Network) is string taken
                ? throw new ApiException(422, "Invalid", $"Service \"{obj.Name}\" is invalid: {taken}")
                : obj;
        }

        KindInfo? kind = KindInfo.ForKind(obj.Kind);
        string group = kind != null && kind.ApiVersion.Contains('/') ? "." + kind.ApiVersion[..kind.ApiVersion.IndexOf('/')] : "";
        string each = string.Join(", ", errors.Select(e => e.Field.Length > 0 ? $"{e.Field}: {e.Message}" : e.Message));
        throw new ApiException(422, "Invalid", $"{obj.Kind}{group} \"{obj.Name}\" is invalid: {(errors.Count > 1 ? $"[{each}]" : each)}");
    }

    /// <summary>
    /// A created or replaced object, field-validated: the fields its kind does not have are taken
    /// out; a field given twice keeps its last value; either is refused under
    /// fieldValidation=Strict (400, kube-apiserver's strict decoding error) and warned of under
    /// Warn (the default).
    /// </summary>
    private static async Task<KubeObject> Written(HttpContext context, ResourcePath r, string ns, string? name)
    {
        RefuseUnknownBody(context);
        FieldValidationDirective directive = FieldValidation.Directive(context.Request.Query["fieldValidation"]);
        var duplicates = new List<string>();
        KubeObject obj = await Body(context, r, ns, name, duplicates);
        RefuseWrongTypes(r, obj);
        List<string> problems = FieldValidation.Problems(duplicates, FieldValidation.RemoveUnknown(obj.Json, ApiTypes.Of(r.Kind)));
        if (problems.Count > 0 && directive == FieldValidationDirective.Strict)
        {
            throw new ApiException(400, "BadRequest", FieldValidation.StrictDecodingMessage(r.Kind.ApiVersion, r.Kind.Kind, problems));
        }

        Warn(context, directive, problems);
        return obj;
    }

    /// <summary>
    /// A server-side applied object. Kubernetes' server-side apply refuses a field the kind does
    /// not have whatever the fieldValidation (its typed patch cannot hold it): so does Edge for
    /// kubectl's apply (YAML). edgectl's own apply (JSON) is validated as a create.
    /// </summary>
    private static async Task<KubeObject> Applied(HttpContext context, ResourcePath r, string ns, string name)
    {
        if (context.Request.ContentType?.StartsWith(ApplyYamlContentType, StringComparison.Ordinal) != true)
        {
            return await Written(context, r, ns, name);
        }

        KubeObject obj = await Body(context, r, ns, name, []);
        RefuseWrongTypes(r, obj);
        List<UnknownField> unknown = FieldValidation.RemoveUnknown(obj.Json, ApiTypes.Of(r.Kind));
        if (unknown.Count > 0)
        {
            throw new ApiException(500, "", FieldValidation.TypedPatchMessage(r.Kind.ApiVersion, r.Kind.Kind, obj.Namespace, obj.Name, unknown));
        }

        return obj;
    }

    /// <summary>A value of the wrong type is refused whatever the fieldValidation, as kube-apiserver's decoder refuses it (400, its first one).</summary>
    private static void RefuseWrongTypes(ResourcePath r, KubeObject obj)
    {
        if (TypeCheck.Problems(obj.Json, ApiTypes.Of(r.Kind)).FirstOrDefault() is { } wrong)
        {
            throw new ApiException(400, "BadRequest", TypeCheck.DecodingMessage(r.Kind.ApiVersion, r.Kind.Kind, wrong));
        }
    }

    /// <summary>A Warning header for each problem (kubectl prints "Warning: unknown field …"), under fieldValidation=Warn.</summary>
    private static void Warn(HttpContext context, FieldValidationDirective directive, IEnumerable<string> problems)
    {
        if (directive != FieldValidationDirective.Warn)
        {
            return;
        }

        foreach (string problem in problems)
        {
            context.Response.Headers.Append("Warning", FieldValidation.WarningHeader(problem));
        }
    }

    private static async Task<byte[]> BodyBytes(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    /// <summary>
    /// A body that is not JSON or YAML is 415, as kube-apiserver answers a format it does not
    /// take: kubectl 1.32 and later send protobuf (or CBOR) to a server they believe takes it,
    /// and fall back to JSON on 415.
    /// </summary>
    private static void RefuseUnknownBody(HttpContext context)
    {
        string mediaType = MediaType(context);
        if (mediaType.Length > 0 && !mediaType.EndsWith("json", StringComparison.Ordinal) && !mediaType.EndsWith("yaml", StringComparison.Ordinal)
            && mediaType != Protobuf.KubeProtobuf.ContentType)
        {
            throw UnknownFormat("");
        }
    }

    private static string MediaType(HttpContext context) => (context.Request.ContentType ?? "").Split(';')[0].Trim();

    private static ApiException UnknownFormat(string why) => new(415, "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf" + why);

    /// <summary>The body as an object of the path's kind, namespace and name (a mismatch is the client's mistake, said plainly).</summary>
    private static async Task<KubeObject> Body(HttpContext context, ResourcePath r, string ns, string? name, List<string> duplicates)
    {
        JsonNode? node = context.Request.ContentType?.StartsWith(ApplyYamlContentType, StringComparison.Ordinal) == true
            ? await YamlBody(context)
            : MediaType(context) == Protobuf.KubeProtobuf.ContentType
                ? Protobuf.KubeProtobuf.Decode(await BodyBytes(context)) ?? throw UnknownFormat(
                    $" (Edge reads protobuf, which kubectl 1.32 and later send for `kubectl create ...`, for ConfigMaps, Secrets and Namespaces so far; `kubectl apply -f` writes a {r.Kind.Kind} as JSON)")
                : StrictJson.Parse(await BodyBytes(context), duplicates);
        if (node is not JsonObject json)
        {
            throw new FormatException("the body must be a JSON object");
        }

        var obj = new KubeObject(json);
        if (obj.Kind != r.Kind.Kind)
        {
            throw new FormatException($"the body is a {(obj.Kind.Length == 0 ? "object without kind" : obj.Kind)}, the path is for {r.Kind.Plural}");
        }

        if (r.Kind.Namespaced)
        {
            if (obj.Metadata["namespace"] is JsonNode given && (string?)given != ns)
            {
                throw new FormatException($"the object's namespace ({(string?)given}) does not match the path's ({ns})");
            }

            obj.Metadata["namespace"] = ns;
        }

        if (name != null && obj.Name != name)
        {
            throw new FormatException($"the object's name ({obj.Name}) does not match the path's ({name})");
        }

        return obj;
    }

    private KubeObject Deployment(string ns, string name) => Existing(_controlPlane.Store, KindInfo.ForKind("Deployment")!, ns, name);

    /// <summary>The object at the path, or NotFound in the words kube-apiserver uses.</summary>
    private static KubeObject Existing(ObjectStore store, KindInfo kind, string ns, string name) => store.Get(kind.Kind, ns, name)
        ?? throw new StoreException(StoreError.NotFound, $"{kind.Plural} \"{name}\" not found{(ns.Length > 0 ? $" in namespace {ns}" : "")}");

    /// <summary>A deployment's scale subresource, as autoscaling/v1 Scale (what kubectl scale reads and patches).</summary>
    private static JsonObject Scale(KubeObject deployment) => new()
    {
        ["kind"] = "Scale",
        ["apiVersion"] = "autoscaling/v1",
        ["metadata"] = new JsonObject
        {
            ["name"] = deployment.Name,
            ["namespace"] = deployment.Namespace,
            ["resourceVersion"] = deployment.Metadata["resourceVersion"]?.DeepClone(),
            ["uid"] = deployment.Metadata["uid"]?.DeepClone(),
        },
        ["spec"] = new JsonObject { ["replicas"] = JsonNumbers.AsInt(deployment.Spec?["replicas"]) ?? 1 },
        ["status"] = new JsonObject
        {
            ["replicas"] = JsonNumbers.AsInt(deployment.Json["status"]?["replicas"]) ?? 0,
            ["selector"] = string.Join(",", (deployment.Spec?["selector"]?["matchLabels"] as JsonObject ?? []).Select(l => $"{l.Key}={(string?)l.Value}")),
        },
    };

    /// <summary>
    /// A pod's log as its board keeps it (tailLines: the last N lines); with follow=true the
    /// response stays open and the lines the pod writes next follow as they come (the board is
    /// asked once a second), until the client hangs up or the pod is gone.
    /// </summary>
    private async Task Logs(HttpContext context, string ns, string name)
    {
        string? container = LogContainer(context, ns, name);
        string logs = await PodSession(ns, name).LogsAsync(ns, name, container, TimeSpan.FromSeconds(10));
        bool follow = context.Request.Query["follow"] == "true";
        context.Response.ContentType = "text/plain";
        var follower = new LogFollower();
        string first = follow ? follower.Next(logs) : logs; // not following, a line still being written is shown as it is now

        await context.Response.WriteAsync(int.TryParse(context.Request.Query["tailLines"], out int tail) && tail >= 0 ? LastLines(first, tail) : first);
        if (!follow)
        {
            return;
        }

        CancellationToken hungUp = context.RequestAborted;
        try
        {
            await context.Response.Body.FlushAsync(hungUp);
            while (!hungUp.IsCancellationRequested && _controlPlane.Store.Get("Pod", ns, name) != null)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), hungUp);
                string added;
                try
                {
                    added = follower.Next(await PodSession(ns, name).LogsAsync(ns, name, container, TimeSpan.FromSeconds(10)));
                }
                catch (BoardSessionException)
                {
                    continue; // the board is reconnecting: keep following
                }
                catch (StoreException)
                {
                    break; // the pod is gone, or not on a board any more
                }

                if (added.Length > 0)
                {
                    await context.Response.WriteAsync(added, hungUp);
                    await context.Response.Body.FlushAsync(hungUp);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the client stopped following
        }
    }

    /// <summary>The last <paramref name="count"/> lines of a log (kubectl logs --tail N asks with tailLines).</summary>
    private static string LastLines(string log, int count)
    {
        string[] lines = log.Split('\n');
        int kept = log.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        return string.Concat(lines.Take(kept).Skip(Math.Max(0, kept - count)).Select(l => l + "\n"));
    }

    private static async Task<JsonNode?> YamlBody(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        string text = await reader.ReadToEndAsync();
        var documents = new List<Manifests.ManifestDocument>();
        var problems = new List<Manifests.ManifestProblem>();
        Manifests.ManifestReader.Parse("the request", text, documents, problems);
        if (problems.Count > 0 || documents.Count != 1)
        {
            throw new FormatException(problems.Count > 0 ? string.Join("; ", problems.Select(p => p.ToString())) : $"the body holds {documents.Count} objects; apply takes one");
        }

        return documents[0].Object.Json;
    }

    private async Task Subresource(HttpContext context, ResourcePath r, string ns)
    {
        switch (r.Kind.Kind, r.Subresource, context.Request.Method)
        {
            case ("Pod", "attach", "GET") when context.WebSockets.IsWebSocketRequest:
                await AttachOverWebSocket(context, ns, r.Name!);
                return;
            case ("Pod", "attach", "POST") when Spdy.SpdyUpgrade.Requested(context.Request):
                await AttachOverSpdy(context, ns, r.Name!);
                return;
            case ("Pod", "exec", "GET") when context.WebSockets.IsWebSocketRequest:
                await ExecOverWebSocket(context, ns, r.Name!);
                return;
            case ("Pod", "exec", "POST") when Spdy.SpdyUpgrade.Requested(context.Request):
                await ExecOverSpdy(context, ns, r.Name!);
                return;
            case ("Pod", "exec", "POST"):
                await Exec(context, ns, r.Name!);
                return;
            case ("Pod", "portforward", "POST") when Spdy.SpdyUpgrade.Requested(context.Request):
                await PortForwardOverSpdy(context, ns, r.Name!);
                return;
            case ("Pod", "portforward", "GET") when context.WebSockets.IsWebSocketRequest:
                await PortForwardOverWebSocket(context, ns, r.Name!);
                return;
            case (_, "status", "GET"):
                await Json(context, 200, Existing(_controlPlane.Store, r.Kind, ns, r.Name!).Json);
                return;
            case (_, "status", "PUT" or "PATCH"):
                await StatusWrite(context, r, ns);
                return;
            case ("Pod", "eviction", "POST"):
                // An Eviction (policy/v1), as kubectl drain sends it: no PodDisruptionBudget to ask,
                // so the pod goes, as DELETE would take it; kube-apiserver answers 201 with a Status.
                RefuseUnknownBody(context);
                if (MediaType(context) != Protobuf.KubeProtobuf.ContentType)
                {
                    await JsonNode.ParseAsync(context.Request.Body); // nothing in it is needed, but a body that is no Eviction is refused
                }
                _controlPlane.Store.Delete("Pod", ns, r.Name!);
                await Json(context, 201, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success" });
                return;
            case ("Pod", "log", "GET"):
                await Logs(context, ns, r.Name!);
                return;
            case ("Deployment", "scale", "GET"):
                await Json(context, 200, Scale(Deployment(ns, r.Name!)));
                return;
            case ("Deployment", "scale", "PATCH" or "PUT"):
                // kubectl scale sends a merge patch of the Scale ({"spec":{"replicas":N}}); a PUT sends the whole Scale.
                RefuseUnknownBody(context);
                JsonNode? change = await JsonNode.ParseAsync(context.Request.Body);
                int replicas = JsonNumbers.AsInt(change?["spec"]?["replicas"]) is int n && n >= 0
                    ? n : throw new FormatException("give the replicas: {\"spec\": {\"replicas\": N}} with N 0 or more");
                KubeObject scaled = Deployment(ns, r.Name!).Clone();
                scaled.Spec!["replicas"] = replicas;
                ServerSideApply.RecordUpdate(Deployment(ns, r.Name!), scaled, r.Kind, UpdateManager(context), DateTime.UtcNow, "scale");
                await Json(context, 200, Scale(_controlPlane.Store.Update(scaled)));
                return;
            case ("Node", "capture", "GET"):
                await Capture(context, r.Name!);
                return;
            case ("Node", "iptables" or "ipvs" or "conntrack" or "policy" or "flows", "GET"):
                BoardClient session = NodeSession(r.Name!);
                int view = r.Subresource switch
                {
                    "iptables" => BoardSession.ViewIptables,
                    "ipvs" => BoardSession.ViewIpvs,
                    "policy" => BoardSession.ViewPolicy,
                    "flows" => BoardSession.ViewFlows,
                    _ => BoardSession.ViewConntrack,
                };
                uint since = uint.TryParse((string?)context.Request.Query["since"], out uint after) ? after : 0;
                string text = await session.ViewAsync(view, TimeSpan.FromSeconds(10), since);
                if (view is BoardSession.ViewPolicy or BoardSession.ViewFlows)
                {
                    text = PolicyViewNames.Restore(text, _controlPlane.PolicyNamesOf(r.Name!));
                }

                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync(text);
                return;
            default:
                await Status(context, 404, "NotFound", $"{r.Kind.Plural} have no {r.Subresource} for {context.Request.Method}");
                return;
        }
    }

    /// <summary>
    /// `edgectl trace`: runs a packet trace (Trace.TraceRequest as JSON) and answers with its
    /// hops in order (Trace.TraceResult); a trace that cannot be made is a 400 with what to do.
    /// </summary>
    private async Task TraceAsync(HttpContext context)
    {
        Trace.TraceRequest? asked = await System.Text.Json.JsonSerializer.DeserializeAsync<Trace.TraceRequest>(context.Request.Body, Trace.TraceJson.Options, context.RequestAborted);
        if (asked == null || string.IsNullOrEmpty(asked.From) || string.IsNullOrEmpty(asked.To))
        {
            await Status(context, 400, "BadRequest", "give the trace: {\"from\": \"POD\", \"to\": \"svc/NAME\", \"port\": \"80\"}");
            return;
        }

        try
        {
            Trace.TraceResult result = await new Trace.PacketTracer(_controlPlane).RunAsync(asked, context.RequestAborted);
            context.Response.ContentType = "application/json";
            await System.Text.Json.JsonSerializer.SerializeAsync(context.Response.Body, result, Trace.TraceJson.Options, context.RequestAborted);
        }
        catch (Trace.TraceException e)
        {
            await Status(context, 400, "BadRequest", e.Message);
        }
    }

    /// <summary>A live pcap stream of a node's overlay or a pod's port (?port=overlay|POD&amp;namespace=NS), until the client hangs up.</summary>
    private async Task Capture(HttpContext context, string node)
    {
        BoardClient session = NodeSession(node);
        string port = context.Request.Query["port"].FirstOrDefault() ?? "overlay";
        string point = port == "overlay" ? port : $"{context.Request.Query["namespace"].FirstOrDefault() ?? "default"}/{port}";
        context.Response.ContentType = "application/vnd.tcpdump.pcap";
        try
        {
            // Headers go once the board has said yes; a refusal is still a Status error.
            await session.CaptureAsync(point, context.Response.Body, context.RequestAborted, async () =>
            {
                await context.Response.StartAsync();
                await context.Response.Body.FlushAsync();
            });
        }
        catch (IOException)
        {
            // the client went away mid-write
        }
    }

    /// <summary>
    /// Whether a request to Edge's own endpoints (dial a board, rotate the key) comes from a client
    /// rather than a web page: a page can post a form or text to loopback without asking (a
    /// "simple" request), but not JSON, and a browser always says its Origin.
    /// </summary>
    /// <summary>
    /// A browser's request on behalf of a page from another site: it carries that site's Origin.
    /// kubectl and edgectl send none. Reading stays open (as Kubernetes' API serves a page's
    /// GET); a write, or a stream's upgrade (exec), from another origin is refused: the loopback
    /// API asks for no token, so anything else would let any web page run commands in pods.
    /// </summary>
    private static bool FromAnotherSite(HttpRequest request)
    {
        string? origin = request.Headers.Origin;
        bool reading = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method);
        return origin != null && (!reading || request.Headers.Upgrade.Count > 0)
            && !string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);
    }

    private static bool FromAClient(HttpRequest request) =>
        request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true
        && !request.Headers.ContainsKey("Origin");

    private JsonObject Boards() => new()
    {
        ["kind"] = "BoardList",
        ["items"] = new JsonArray(_controlPlane.Boards.Select(b => (JsonNode)new JsonObject
        {
            ["name"] = b.NodeName,
            ["link"] = b.Link.ToString(),
            ["connected"] = b.Connected,
            ["problem"] = b.Problem,
            ["untrusted"] = b.Untrusted,
            ["firmware"] = b.Hello?.Firmware,
            ["generation"] = b.Generation,
            ["snapshotsSent"] = b.SnapshotsSent,
            ["deltasSent"] = b.DeltasSent,
            ["lastSnapshotBytes"] = b.LastSnapshotBytes,
            ["cluster"] = b.Hello?.Cluster,
            ["keyId"] = b.Hello is { Cluster: not null } hello ? Edge.Dataplane.Trust.SessionAuth.Describe(hello.KeyId) : null,
            ["authenticated"] = b.Client?.Authenticated ?? false,
        }).ToArray()),
    };

    // `edgectl board rekey`: the key id only ever leaves here, never the key.
    private async Task Rekey(HttpContext context)
    {
        if (_controlPlane.ClusterKey == null)
        {
            await Status(context, 409, "Conflict", "this control plane runs without a cluster key (USB boards only): nothing to rotate");
            return;
        }

        IReadOnlyList<(string Board, string? Error)> outcomes = await _controlPlane.RekeyAsync();
        await Json(context, 200, new JsonObject
        {
            ["kind"] = "RekeyResult",
            ["cluster"] = _controlPlane.ClusterKey.Cluster,
            ["keyId"] = Edge.Dataplane.Trust.SessionAuth.Describe(_controlPlane.ClusterKey.Id),
            ["boards"] = new JsonArray(outcomes.Select(o => (JsonNode)new JsonObject { ["name"] = o.Board, ["error"] = o.Error }).ToArray()),
        });
    }

    private static async Task Table(HttpContext context, JsonObject table)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = ServerSidePrinting.ContentType;
        await context.Response.WriteAsync(table.ToJsonString());
    }

    private static async Task Json(HttpContext context, int code, JsonNode body, string contentType = "application/json")
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private static Task Status(HttpContext context, int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details != null)
        {
            status["details"] = details.DeepClone();
        }

        status["code"] = code;
        return Json(context, code, status);
    }
}
