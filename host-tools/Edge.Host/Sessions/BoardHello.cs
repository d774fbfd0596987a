namespace Edge.Host.Sessions;

/// <summary>What a board said when the session opened.</summary>
public sealed record BoardHello(string Name, string Firmware, uint Address, ushort VxlanPort, uint AppliedGeneration, int MaxPods,
    int MaxPayload = Edge.Dataplane.Mgmt.Frame.MaxPayload);
