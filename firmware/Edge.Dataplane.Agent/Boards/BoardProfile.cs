namespace Edge.Dataplane.Boards
{
    /// <summary>
    /// One supported board: how nanoff knows it, its Ethernet PHY, its memory class (which sets
    /// the node's capacities), and the pins Edge uses beyond Ethernet: the management UART
    /// (nanoFramework keeps COM1, the USB port, for deploying and debugging, so Edge's console is
    /// COM2 on pins of its own that stay clear of the RMII clock), the status and activity LEDs,
    /// and the I2C bus an optional SSD1306 display hangs on.
    /// A pin is -1 until it has been checked against the board's documentation (boards/README.md
    /// says which); a board without console pins is provisioned over the network.
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

        /// <summary>ESP32 GPIOs routed to COM2's TX and RX for the management console, or -1.</summary>
        public int ConsoleTx = -1;
        public int ConsoleRx = -1;

        /// <summary>The status LED (steady when Ready, blink codes otherwise) and the activity LED (flickers with traffic), or -1.</summary>
        public int StatusLed = -1;
        public int ActivityLed = -1;

        /// <summary>ESP32 GPIOs routed to I2C1's data and clock, where an SSD1306 display is looked for at boot, or -1.</summary>
        public int I2cData = -1;
        public int I2cClock = -1;

        /// <summary>
        /// The button that, held from reset, makes the board forget its cluster
        /// (<see cref="ForgetButton"/>), or -1 where the board has none Edge can read at boot;
        /// whether it reads low when pressed (a pull-up to 3.3 V, the button to ground).
        /// </summary>
        public int ButtonPin = -1;
        public bool ButtonActiveLow;

        public bool HasDisplayBus
        {
            get { return I2cData >= 0 && I2cClock >= 0; }
        }

        public bool HasConsole
        {
            get { return ConsoleTx >= 0 && ConsoleRx >= 0; }
        }

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

        public BoardProfile Console(int tx, int rx)
        {
            ConsoleTx = tx;
            ConsoleRx = rx;
            return this;
        }

        public BoardProfile I2c(int data, int clock)
        {
            I2cData = data;
            I2cClock = clock;
            return this;
        }

        public BoardProfile Button(int pin, bool activeLow)
        {
            ButtonPin = pin;
            ButtonActiveLow = activeLow;
            return this;
        }

        public BoardProfile Leds(int status, int activity)
        {
            StatusLed = status;
            ActivityLed = activity;
            return this;
        }
    }
}
