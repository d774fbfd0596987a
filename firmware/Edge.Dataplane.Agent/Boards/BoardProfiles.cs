namespace Edge.Dataplane.Boards
{
    /// <summary>The boards Edge supports: nanoFramework's Ethernet-capable targets (shared/design/NANOFRAMEWORK.md).</summary>
    public static class BoardProfiles
    {
        /// <summary>
        /// Every profile, built on each call: a board looks its own up once at boot and keeps
        /// that one, so the table does not sit on its heap for good.
        /// </summary>
        public static BoardProfile[] All
        {
            get
            {
                return new BoardProfile[]
                {
                    // Espressif's guide for the kit: GPIO Header 1 (GPIO32-39) is used nowhere else on the board.
                    // No display pins: the only free outputs left are GPIO4 and GPIO2, a strapping pin an I2C
                    // pull-up would hold high, keeping the kit out of download mode when it is flashed.
                    new BoardProfile("esp32-ethernet-kit", "Espressif ESP32-Ethernet-Kit (WROVER-E)", "ESP32_ETHERNET_KIT_1.2", "IP101", 1, "in, GPIO0", MemoryClass.Wrover).Console(32, 33),
                    // Its UEXT connector: pin 3 TXD = GPIO4, pin 4 RXD = GPIO36 (input only, fine for RX),
                    // pin 5 SCL = GPIO16, pin 6 SDA = GPIO13; no user LED (power and charge only). BUT1 is
                    // GPIO34 (arduino-esp32's variant for the board names it KEY_BUILTIN), pulled up, to ground when pressed.
                    new BoardProfile("olimex-esp32-poe", "Olimex ESP32-POE / ESP32-POE-ISO (WROOM)", "ESP32_OLIMEX", "LAN8720", 0, "out, GPIO17", MemoryClass.Wroom).Console(4, 36).I2c(13, 16).Button(34, true),
                    new BoardProfile("olimex-esp32-poe-wrover", "Olimex ESP32-POE WROVER", "ESP32_OLIMEX_WROVER", "LAN8720", 0, "out, GPIO0", MemoryClass.Wrover).Button(34, true),
                    // Its header labels IO17 and IO5 TXD2 and RXD2; the RMII clock comes in on GPIO0.
                    new BoardProfile("wt32-eth01", "Wireless-Tag WT32-ETH01", "ESP32_WT32_ETH01", "LAN8720", 1, "in, GPIO0", MemoryClass.Wroom).Console(17, 5),
                    // LilyGO's I2C example for this board: SDA IO14, SCL IO15 (shared with the microSD slot;
                    // leave it empty); no user LED (the blue one is wired to 3.3 V).
                    new BoardProfile("lilygo-t-internet-poe", "LilyGO T-Internet-POE", "ESP32_LILYGO", "LAN8720", 0, "out, GPIO17", MemoryClass.Wroom).I2c(14, 15),
                    new BoardProfile("wesp32", "Silicognition wESP32", "ESP32_WESP32", "RTL8201 (MDC 16, MDIO 17)", 0, "in, GPIO0", MemoryClass.Wroom),
                    // LD2 (green) on PJ5 and LD1 (red) on PJ13; nanoFramework numbers STM32 pins port * 16 + pin.
                    // B1, the blue user button, is PA0, high when pressed.
                    new BoardProfile("stm32f769i-disco", "ST STM32F769I-DISCO", "ST_STM32F769I_DISCOVERY", "LAN8742A", -1, "RMII", MemoryClass.Large).Leds(9 * 16 + 5, 9 * 16 + 13).Button(0 * 16 + 0, false),
                };
            }
        }

        /// <summary>The profile with this id (or nanoff target, any case), or null.</summary>
        public static BoardProfile Find(string name)
        {
            if (name == null)
            {
                return null;
            }

            string wanted = name.ToLower();
            BoardProfile[] all = All;
            for (int i = 0; i < all.Length; i++)
            {
                if (all[i].Id == wanted || all[i].NanoffTarget.ToLower() == wanted)
                {
                    return all[i];
                }
            }

            return null;
        }
    }
}
