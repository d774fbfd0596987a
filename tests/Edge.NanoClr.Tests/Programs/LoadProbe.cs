namespace Edge.NanoClr.Probes
{
    /// <summary>Touches one type of each dataplane assembly, so nanoCLR resolves them all, and says so.</summary>
    public static class LoadProbe
    {
        public static void Main()
        {
            uint crc = Edge.Dataplane.Mgmt.Crc32.Compute(new byte[] { 1, 2, 3, 4 }, 0, 4);
            var table = new Edge.Dataplane.Proxy.ServiceTable(4);
            var zone = new Edge.Dataplane.Dns.DnsZone("cluster.local", 5, 4, 4);
            var address = Edge.Dataplane.Wire.Ipv4Address.Format(0x0A000001);
            System.Console.WriteLine("loaded " + crc.ToString("X8") + " " + table.Capacity + " " + zone.Ttl + " " + address);
        }
    }
}
