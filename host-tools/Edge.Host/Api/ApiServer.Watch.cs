using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Store;
using Microsoft.AspNetCore.Http;

namespace Edge.Host.Api;

/// <summary>The API's watches: a kind's changes as a stream of JSON lines, as kube-apiserver sends them.</summary>
public sealed partial class ApiServer
{
    /// <summary>
    /// A Kubernetes watch: after ?resourceVersion=N (a list's), every change to objects of the
    /// kind (in the namespace, matching the labelSelector and fieldSelector) as a JSON line
    /// {"type", "object"}, until the client hangs up or ?timeoutSeconds= has passed. With
    /// allowWatchBookmarks=true a quiet watch gets a BOOKMARK now and then: the kind with only the
    /// resourceVersion every change up to which has been sent, so an informer resumes from there
    /// rather than from a version the store may have forgotten. A version older than the store's
    /// log is 410 Gone: list again.
    /// </summary>
    private async Task Watch(HttpContext context, ResourcePath r)
    {
        ObjectStore store = _controlPlane.Store;
        string? from = context.Request.Query["resourceVersion"];
        long version = long.TryParse(from, out long v) ? v : store.ResourceVersion;
        string? selectorText = context.Request.Query["labelSelector"];
        LabelSelector selector = string.IsNullOrEmpty(selectorText) ? LabelSelector.Everything : LabelSelector.Parse(selectorText);
        FieldSelector? fields = FieldSelector.Parse(context.Request.Query["fieldSelector"], r.Kind.Kind);
        store.EventsSince(version, 1); // refuse a version too old before starting the stream
        // kubectl get -w asks for Tables here too: each event's object is then a one-row Table, the
        // first with the column definitions (as kube-apiserver sends them), so rows line up under
        // the header kubectl printed from the list.
        bool tables = ServerSidePrinting.Wanted(context.Request.Headers.Accept);
        string? includeObject = context.Request.Query["includeObject"];
        bool columnsSent = false;
        context.Response.ContentType = tables ? ServerSidePrinting.ContentType : "application/json";
        await context.Response.StartAsync();
        await context.Response.Body.FlushAsync(); // the headers now: a quiet watch must not keep the client waiting for them
        bool bookmarks = context.Request.Query["allowWatchBookmarks"] == "true";
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (int.TryParse(context.Request.Query["timeoutSeconds"], out int timeoutSeconds) && timeoutSeconds > 0)
        {
            ending.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        }

        CancellationToken stop = ending.Token;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                using (var quiet = CancellationTokenSource.CreateLinkedTokenSource(stop))
                {
                    if (bookmarks)
                    {
                        quiet.CancelAfter(WatchBookmarkInterval);
                    }

                    try
                    {
                        await store.WaitForChangeAsync(version, quiet.Token);
                    }
                    catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                    {
                        JsonObject bookmark = new()
                        {
                            ["kind"] = r.Kind.Kind,
                            ["apiVersion"] = r.Kind.ApiVersion,
                            ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                        };
                        await context.Response.WriteAsync(new JsonObject { ["type"] = "BOOKMARK", ["object"] = bookmark }.ToJsonString() + "\n", stop);
                        await context.Response.Body.FlushAsync(stop);
                        continue;
                    }
                }

                foreach (WatchEvent e in store.EventsSince(version))
                {
                    version = e.ResourceVersion;
                    if (e.Object.Kind != r.Kind.Kind || (r.Namespace != null && e.Object.Namespace != r.Namespace) || !selector.Matches(e.Object.Labels) || fields?.Matches(e.Object) == false)
                    {
                        continue;
                    }

                    JsonNode shown = e.Object.Json.DeepClone();
                    if (tables)
                    {
                        JsonObject table = ServerSidePrinting.Table(r.Kind, [e.Object], e.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), DateTime.UtcNow, includeObject);
                        if (columnsSent)
                        {
                            table["columnDefinitions"] = new JsonArray();
                        }

                        columnsSent = true;
                        shown = table;
                    }

                    await context.Response.WriteAsync(new JsonObject { ["type"] = e.TypeName, ["object"] = shown }.ToJsonString() + "\n", stop);
                    await context.Response.Body.FlushAsync(stop);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the client stopped watching
        }
        catch (StoreException e) when (e.Error == StoreError.Gone)
        {
            await context.Response.WriteAsync(new JsonObject { ["type"] = "ERROR", ["object"] = new JsonObject { ["kind"] = "Status", ["code"] = 410, ["message"] = e.Message } }.ToJsonString() + "\n");
        }
        catch (IOException)
        {
            // the client went away mid-write
        }
    }
}
