using System.CommandLine;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Host.Api;
using Edge.Host.Lab;
using Edge.Host.Objects;

namespace Edge.Cli.Api;

/// <summary>
/// edgectl's side of the control plane's API. Finds the server as kubectl finds its context
/// (--server, $EDGE_SERVER, else the lab's file), and turns every failure into a sentence:
/// a Status message from the server, or what to run when the server is not there.
/// </summary>
public sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    public ApiClient(string server, string? token)
    {
        Server = server.TrimEnd('/');
        Token = string.IsNullOrEmpty(token) ? null : token;
        _http = new HttpClient { BaseAddress = new Uri(Server + "/"), Timeout = Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public string Server { get; }

    /// <summary>The bearer token sent with every request, when the server wants one.</summary>
    public string? Token { get; }

    public static ApiClient For(ParseResult parsed)
    {
        string? server = parsed.GetValue(GlobalOptions.Server) ?? Environment.GetEnvironmentVariable("EDGE_SERVER");
        if (!string.IsNullOrEmpty(server))
        {
            return new ApiClient(server, Environment.GetEnvironmentVariable("EDGE_TOKEN"));
        }

        string lab = parsed.GetValue(GlobalOptions.Lab) ?? "lab";
        LabState state = LabState.Load(lab)
            ?? throw new CliException($"no cluster to talk to: start one with `edgectl lab up` (or give --server URL); no lab \"{lab}\" in {LabState.DirectoryFor(lab)}");
        return new ApiClient(state.Server, state.Token);
    }

    public async Task<JsonObject> GetAsync(string path, CancellationToken cancel = default)
    {
        using HttpResponseMessage response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/')), cancel);
        return await ReadObjectAsync(response, cancel);
    }

    public async Task<JsonObject> PostAsync(string path, JsonObject body, CancellationToken cancel = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/'))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        using HttpResponseMessage response = await SendAsync(request, cancel);
        return await ReadObjectAsync(response, cancel);
    }

    public async Task<string> GetTextAsync(string path, CancellationToken cancel = default)
    {
        using HttpResponseMessage response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/')), cancel);
        return await response.Content.ReadAsStringAsync(cancel);
    }

    public async Task<List<KubeObject>> ListAsync(KindInfo kind, string? ns, string? selector, CancellationToken cancel = default)
    {
        string path = ResourcePath.For(kind, ns) + (string.IsNullOrEmpty(selector) ? "" : "?labelSelector=" + Uri.EscapeDataString(selector));
        JsonObject list = await GetAsync(path, cancel);
        return (list["items"] as JsonArray ?? []).OfType<JsonObject>().Select(o => new KubeObject((JsonObject)o.DeepClone())).ToList();
    }

    /// <summary>A list and the resource version to watch from.</summary>
    public async Task<(List<KubeObject> Items, string ResourceVersion)> ListForWatchAsync(KindInfo kind, string? ns, string? selector, CancellationToken cancel = default)
    {
        string path = ResourcePath.For(kind, ns) + (string.IsNullOrEmpty(selector) ? "" : "?labelSelector=" + Uri.EscapeDataString(selector));
        JsonObject list = await GetAsync(path, cancel);
        var items = (list["items"] as JsonArray ?? []).OfType<JsonObject>().Select(o => new KubeObject((JsonObject)o.DeepClone())).ToList();
        return (items, (string?)list["metadata"]?["resourceVersion"] ?? "0");
    }

    /// <summary>Follows changes after a resource version (a Kubernetes watch) until cancelled; each event goes to <paramref name="onEvent"/>.</summary>
    public async Task WatchAsync(KindInfo kind, string? ns, string? selector, string resourceVersion, Action<string, KubeObject> onEvent, CancellationToken cancel)
    {
        string path = ResourcePath.For(kind, ns) + "?watch=true&resourceVersion=" + Uri.EscapeDataString(resourceVersion)
            + (string.IsNullOrEmpty(selector) ? "" : "&labelSelector=" + Uri.EscapeDataString(selector));
        try
        {
            using HttpResponseMessage response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/')), cancel, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel));
            while (await reader.ReadLineAsync(cancel) is string line)
            {
                if (JsonNode.Parse(line) is not JsonObject e || e["object"] is not JsonObject obj)
                {
                    continue;
                }

                if ((string?)e["type"] == "ERROR")
                {
                    throw new CliException((string?)obj["message"] ?? "the watch ended with an error");
                }

                onEvent((string?)e["type"] ?? "", new KubeObject((JsonObject)obj.DeepClone()));
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: the watch is over
        }
        catch (IOException) when (cancel.IsCancellationRequested)
        {
            // the stream closed because we stopped
        }
    }

    public async Task<KubeObject?> TryGetAsync(KindInfo kind, string ns, string name, CancellationToken cancel = default)
    {
        try
        {
            return new KubeObject(await GetAsync(ResourcePath.For(kind, ns, name), cancel));
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Server-side apply; returns "created", "configured" or "unchanged". Strict field validation,
    /// as kubectl's default: a field the kind does not have (a typo) is refused with its path, not
    /// dropped without a word.
    /// </summary>
    /// <remarks>Forced, as manager "edgectl": like kubectl's own (client-side) apply, the manifest wins over what others set since; fields it does not set that others own are left to them.</remarks>
    public async Task<string> ApplyAsync(KubeObject obj, CancellationToken cancel = default)
    {
        KindInfo kind = KindInfo.ForKind(obj.Kind) ?? throw new CliException($"edgectl does not know kind {obj.Kind}");
        var request = new HttpRequestMessage(HttpMethod.Patch, ResourcePath.For(kind, obj.Namespace.Length > 0 ? obj.Namespace : "default", obj.Name).TrimStart('/') + "?fieldValidation=Strict&fieldManager=edgectl&force=true")
        {
            Content = new StringContent(obj.Json.ToJsonString(), Encoding.UTF8, ApiServer.ApplyContentType),
        };
        using HttpResponseMessage response = await SendAsync(request, cancel);
        return response.Headers.TryGetValues(ApiServer.OutcomeHeader, out var values) ? values.First() : "configured";
    }

    /// <summary>A JSON merge patch (RFC 7386) to one object, as kubectl label, annotate and scale send; the object as it is after.</summary>
    public async Task<KubeObject> MergePatchAsync(KindInfo kind, string? ns, string name, JsonObject patch, CancellationToken cancel = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, ResourcePath.For(kind, kind.Namespaced ? ns : null, name).TrimStart('/'))
        {
            Content = new StringContent(patch.ToJsonString(), Encoding.UTF8, ApiServer.MergePatchContentType),
        };
        using HttpResponseMessage response = await SendAsync(request, cancel);
        return new KubeObject(await ReadObjectAsync(response, cancel));
    }

    /// <summary>A JSON patch (RFC 6902) to one object, as kubectl rollout undo sends; the object as it is after.</summary>
    public async Task<KubeObject> JsonPatchAsync(KindInfo kind, string? ns, string name, JsonArray patch, CancellationToken cancel = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, ResourcePath.For(kind, kind.Namespaced ? ns : null, name).TrimStart('/'))
        {
            Content = new StringContent(patch.ToJsonString(), Encoding.UTF8, ApiServer.JsonPatchContentType),
        };
        using HttpResponseMessage response = await SendAsync(request, cancel);
        return new KubeObject(await ReadObjectAsync(response, cancel));
    }

    public async Task<KubeObject> UpdateAsync(KubeObject obj, CancellationToken cancel = default)
    {
        KindInfo kind = KindInfo.ForKind(obj.Kind)!;
        var request = new HttpRequestMessage(HttpMethod.Put, ResourcePath.For(kind, obj.Namespace.Length > 0 ? obj.Namespace : null, obj.Name).TrimStart('/'))
        {
            Content = new StringContent(obj.Json.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        using HttpResponseMessage response = await SendAsync(request, cancel);
        return new KubeObject(await ReadObjectAsync(response, cancel));
    }

    public async Task DeleteAsync(KindInfo kind, string ns, string name, CancellationToken cancel = default)
    {
        using HttpResponseMessage response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, ResourcePath.For(kind, ns, name).TrimStart('/')), cancel);
    }

    /// <summary>Runs a tool in a pod; output goes to the callbacks as it arrives; returns the tool's exit code.</summary>
    public async Task<int> ExecAsync(string ns, string pod, string? container, IReadOnlyList<string> command, string? stdin,
        Action<int, string> output, CancellationToken cancel)
    {
        var body = new JsonObject { ["command"] = new JsonArray(command.Select(c => (JsonNode)c).ToArray()), ["stdin"] = stdin };
        string query = container == null ? "" : "?container=" + Uri.EscapeDataString(container);
        var request = new HttpRequestMessage(HttpMethod.Post, ResourcePath.For(KindInfo.ForKind("Pod")!, ns, pod, "exec").TrimStart('/') + query)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        using HttpResponseMessage response = await SendAsync(request, cancel, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel));
        while (await reader.ReadLineAsync(cancel) is string line)
        {
            JsonNode? item = JsonNode.Parse(line);
            if (item?["exitCode"] is JsonNode exit)
            {
                return (int)exit;
            }

            if ((string?)item?["error"] is string error)
            {
                throw new CliException(error);
            }

            output((int?)item?["stream"] ?? 1, (string?)item?["data"] ?? "");
        }

        throw new CliException("the control plane closed the exec before the command ended");
    }

    /// <summary>Copies a streamed response (a capture) into <paramref name="output"/> until the server ends it or <paramref name="stop"/> fires; returns the bytes copied.</summary>
    public async Task<long> StreamAsync(string path, Stream output, CancellationToken stop, Action? started = null)
    {
        using HttpResponseMessage response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/')), CancellationToken.None, HttpCompletionOption.ResponseHeadersRead);
        started?.Invoke();
        using Stream body = await response.Content.ReadAsStreamAsync(CancellationToken.None);
        byte[] buffer = new byte[16384];
        long total = 0;
        try
        {
            int n;
            while ((n = await body.ReadAsync(buffer, stop)) > 0)
            {
                await output.WriteAsync(buffer.AsMemory(0, n), CancellationToken.None);
                await output.FlushAsync(CancellationToken.None);
                total += n;
            }
        }
        catch (OperationCanceledException)
        {
            // stopped: the file holds every whole record received
        }

        return total;
    }

    /// <summary>Hands a streamed text response (logs -f) to <paramref name="onText"/> as it comes, until the server ends it or <paramref name="stop"/> fires.</summary>
    public async Task FollowTextAsync(string path, Action<string> onText, CancellationToken stop)
    {
        try
        {
            using HttpResponseMessage response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/')), stop, HttpCompletionOption.ResponseHeadersRead);
            using var body = new StreamReader(await response.Content.ReadAsStreamAsync(stop), System.Text.Encoding.UTF8);
            char[] buffer = new char[4096];
            int n;
            while ((n = await body.ReadAsync(buffer, stop)) > 0)
            {
                onText(new string(buffer, 0, n));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Ctrl+C: following ends there
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancel,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancel);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException || e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new CliException($"cannot reach the control plane at {Server}: is the lab up? (`edgectl lab status`, `edgectl lab up`)");
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        string text = await response.Content.ReadAsStringAsync(cancel);
        response.Dispose();
        string message = text;
        string reason = response.ReasonPhrase ?? "";
        try
        {
            if (JsonNode.Parse(text) is JsonObject status && (string?)status["message"] is string m)
            {
                message = m;
                reason = (string?)status["reason"] ?? reason;
            }
        }
        catch (JsonException)
        {
            // not a Status: say what came back as it is
        }

        throw new ApiException((int)response.StatusCode, reason, message);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        try
        {
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancel)) as JsonObject
                ?? throw new CliException("the control plane answered with something other than an object");
        }
        catch (JsonException e)
        {
            throw new CliException("the control plane's answer is not JSON: " + e.Message);
        }
    }
}

/// <summary>An error the API answered with (its Status): a CliException, so it prints as "error: ...".</summary>
public sealed class ApiException(int code, string reason, string message) : CliException(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;
}
