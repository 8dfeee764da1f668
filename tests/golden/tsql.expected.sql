/****** Object:  Table [dbo].[Customers]    Script Date: 11/27/2026 9:14:02 AM ******/
SET ANSI_NULLS ON
GO
SET QUOTED_IDENTIFIER ON
GO
CREATE TABLE [dbo].[Customers](
	[CustomerID] [int] IDENTITY(1,1) NOT NULL,
	[CompanyName] [nvarchar](100) NOT NULL,
	[ContactEmail] [varchar](255) NULL,
	[CreatedAt] [datetime2](7) NOT NULL,
 CONSTRAINT [PK_Customers] PRIMARY KEY CLUSTERED 
(
	[CustomerID] ASC
)WITH (PAD_INDEX = OFF, STATISTICS_NORECOMPUTE = OFF, IGNORE_DUP_KEY = OFF, ALLOW_ROW_LOCKS = ON, ALLOW_PAGE_LOCKS = ON) ON [PRIMARY]
) ON [PRIMARY];
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Customers, one row per customer.', @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Customers';
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Unique identifier of the customer.', @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Customers', @level2type = N'COLUMN', @level2name = N'CustomerID';
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Company name of the customer.', @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Customers', @level2type = N'COLUMN', @level2name = N'CompanyName';
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Email address of the customer.', @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Customers', @level2type = N'COLUMN', @level2name = N'ContactEmail';
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Timestamp when the customer was created.', @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Customers', @level2type = N'COLUMN', @level2name = N'CreatedAt';
GO
CREATE TABLE [sales].[OrderLines](
	[OrderLineID] [bigint] IDENTITY(1,1) NOT NULL,
	[CustomerID] [int] NOT NULL,
	[Quantity] [smallint] NOT NULL,
	[UnitPrice] [money] NOT NULL,
	[Notes] [nvarchar](max) NULL,
 CONSTRAINT [PK_OrderLines] PRIMARY KEY CLUSTERED 
(
	[OrderLineID] ASC
)
) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY];
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Order lines, one row per order line.', @level0type = N'SCHEMA', @level0name = N'sales', @level1type = N'TABLE', @level1name = N'OrderLines';
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Unique identifier of the order line.', @level0type = N'SCHEMA', @level0name = N'sales', @level1type = N'TABLE', @level1name = N'OrderLines', @level2type = N'COLUMN', @level2name = N'OrderLineID';
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Reference to the customer (dbo.Customers.CustomerID).', @level0type = N'SCHEMA', @level0name = N'sales', @level1type = N'TABLE', @level1name = N'OrderLines', @level2type = N'COLUMN', @level2name = N'CustomerID';
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Quantity of the order line.', @level0type = N'SCHEMA', @level0name = N'sales', @level1type = N'TABLE', @level1name = N'OrderLines', @level2type = N'COLUMN', @level2name = N'Quantity';
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Unit price of the order line.', @level0type = N'SCHEMA', @level0name = N'sales', @level1type = N'TABLE', @level1name = N'OrderLines', @level2type = N'COLUMN', @level2name = N'UnitPrice';
GO
ALTER TABLE [dbo].[Customers] ADD  DEFAULT (sysutcdatetime()) FOR [CreatedAt]
GO
ALTER TABLE [sales].[OrderLines]  WITH CHECK ADD  CONSTRAINT [FK_OrderLines_Customers] FOREIGN KEY([CustomerID])
REFERENCES [dbo].[Customers] ([CustomerID])
GO
ALTER TABLE [sales].[OrderLines] CHECK CONSTRAINT [FK_OrderLines_Customers]
GO
ALTER TABLE [dbo].[Customers] ADD [LoyaltyTier] [tinyint] NULL, [LastOrderAt] [datetime2](7) NULL;
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Loyalty tier of the customer.', @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Customers', @level2type = N'COLUMN', @level2name = N'LoyaltyTier';
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Timestamp of the last order.', @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Customers', @level2type = N'COLUMN', @level2name = N'LastOrderAt';
GO
EXEC sys.sp_addextendedproperty @name=N'MS_Description', @value=N'Free-text notes the sales rep adds; shown on the packing slip.' , @level0type=N'SCHEMA',@level0name=N'sales', @level1type=N'TABLE',@level1name=N'OrderLines', @level2type=N'COLUMN',@level2name=N'Notes'
GO
/****** Object:  View [sales].[vCustomerLines]    Script Date: 11/27/2026 9:14:02 AM ******/
SET ANSI_NULLS ON
GO
SET QUOTED_IDENTIFIER ON
GO
CREATE VIEW [sales].[vCustomerLines]
AS
SELECT c.[CompanyName], ol.[Quantity] * ol.[UnitPrice] AS [LineTotal], ol.[Notes]
FROM [sales].[OrderLines] ol
JOIN [dbo].[Customers] c ON c.[CustomerID] = ol.[CustomerID]
GO
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Customer lines: a view of sales.OrderLines, dbo.Customers.', @level0type = N'SCHEMA', @level0name = N'sales', @level1type = N'VIEW', @level1name = N'vCustomerLines';
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Company name of the customer.', @level0type = N'SCHEMA', @level0name = N'sales', @level1type = N'VIEW', @level1name = N'vCustomerLines', @level2type = N'COLUMN', @level2name = N'CompanyName';
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Line total of the customer line.', @level0type = N'SCHEMA', @level0name = N'sales', @level1type = N'VIEW', @level1name = N'vCustomerLines', @level2type = N'COLUMN', @level2name = N'LineTotal';
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Free-text notes the sales rep adds; shown on the packing slip.', @level0type = N'SCHEMA', @level0name = N'sales', @level1type = N'VIEW', @level1name = N'vCustomerLines', @level2type = N'COLUMN', @level2name = N'Notes';
GO
