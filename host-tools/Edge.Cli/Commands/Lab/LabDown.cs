using Edge.Cli.Api;
using Edge.Host.Lab;
using Edge.Host.Objects;
using Edge.Host.Store;

namespace Edge.Cli.Commands.Lab;

/// <summary>
/// Stops a lab's processes, control plane first (so it does not report its boards as lost), and
/// removes its bridge layout (what `overlay join` linked into it too); --purge forgets the
/// cluster too. Safe to run again, and after a crash: it removes whatever of the lab is left.
/// </summary>
public static class LabDown
{
    private static readonly KindInfo PeerKind = KindInfo.ForKind("OverlayPeer")!;

    public static async Task<int> RunAsync(CliConsole console, string name, bool purge, CancellationToken cancel)
    {
        LabState? state = LabState.Load(name);
        LabNetwork? network = LabNetwork.Load(name);
        if (state == null && network == null && !purge)
        {
            throw new CliException($"no lab \"{name}\" on this machine (nothing to stop)");
        }

        if (state != null && network != null)
        {
            await ForgetPeersAsync(state, network, cancel);
        }

        if (state != null)
        {
            foreach (LabProcess process in new[] { state.Ui, state.ControlPlane }.Concat(state.Boards).OfType<LabProcess>().Where(p => p.Pid > 0))
            {
                bool stopped = LabProcesses.Stop(process.Pid, TimeSpan.FromSeconds(5));
                console.Out.WriteLine(stopped ? $"✓ stopped {process.Name} (pid {process.Pid})" : $"- {process.Name} was not running");
            }
        }

        if (network != null)
        {
            List<string> removed = LabBridge.Teardown(network);
            console.Out.WriteLine(removed.Count > 0 ? $"✓ removed {string.Join(", ", removed)}" : $"- bridge {network.Bridge} was not there");
        }

        if (purge)
        {
            string store = StorePaths.ForCluster(name);
            foreach (string file in new[] { store, store + "-wal", store + "-shm" }.Where(File.Exists))
            {
                File.Delete(file);
            }

            string kubeconfig = UserKubeconfig.PathOf();
            if (UserKubeconfig.Remove(kubeconfig, LabKubeconfig.ContextFor(name)))
            {
                console.Out.WriteLine($"✓ removed context {LabKubeconfig.ContextFor(name)} from {kubeconfig}");
            }

            if (Directory.Exists(LabState.DirectoryFor(name)))
            {
                Directory.Delete(LabState.DirectoryFor(name), recursive: true);
            }

            console.Out.WriteLine($"✓ deleted the cluster's state ({store}) and logs; its key ({Edge.Host.Trust.ClusterKeyFile.PathFor(name)}) is kept, so boards provisioned into it still obey its next control plane");
        }
        else
        {
            console.Out.WriteLine($"The cluster's state is kept: `edgectl lab up` brings it back as it was (`lab down --purge` forgets it).");
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// The OverlayPeers of joins whose devices are about to go: the boards stop sending to them.
    /// Best effort: a control plane that is down already keeps them, and `overlay join` replaces them.
    /// </summary>
    private static async Task ForgetPeersAsync(LabState state, LabNetwork network, CancellationToken cancel)
    {
        if (network.Joined.Count == 0 || state.ControlPlane == null || !LabProcesses.IsAlive(state.ControlPlane.Pid))
        {
            return;
        }

        try
        {
            using var api = new ApiClient(state.Server, state.Token);
            foreach (LabNetworkJoin join in network.Joined.Where(j => j.Peer.Length > 0))
            {
                try
                {
                    await api.DeleteAsync(PeerKind, "", join.Peer, cancel);
                }
                catch (ApiException e) when (e.Code == 404)
                {
                    // left already
                }
            }
        }
        catch (CliException)
        {
            // the control plane does not answer: nothing to tell it
        }
    }
}
