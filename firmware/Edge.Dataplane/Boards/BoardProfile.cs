namespace Edge.Dataplane.Boards
{
    /// <summary>
    /// One supported board: how nanoff knows it, its Ethernet PHY, and its memory class (which
    /// sets the node's capacities). Pin maps for the console UART, LEDs and display are added per
    /// board as they are checked against the board's documentation.
    /// </summary>
    public sealed class BoardProfile
    {
        /// <summary>The name instructors type: "wt32-eth01".</summary>
        public string Id;

        public string Title;

        /// <summary>nanoff --target.</summary>
        public string NanoffTarget;

        public string Phy;

        /// <summary>The PHY's MDIO address, or -1 where the target's firmware fixes it.</summary>
        public int PhyAddress;

        /// <summary>Where the 50 MHz RMII reference clock comes from (GPIO and direction on ESP32).</summary>
        public string RmiiClock;

        public int MemoryClass;

        public BoardProfile(string id, string title, string nanoffTarget, string phy, int phyAddress, string rmiiClock, int memoryClass)
        {
            Id = id;
            Title = title;
            NanoffTarget = nanoffTarget;
            Phy = phy;
            PhyAddress = phyAddress;
            RmiiClock = rmiiClock;
            MemoryClass = memoryClass;
        }
    }
}
