"""DECA data: pages, forms, knowledge bases (chunks, embeddings, vector search), CRM and typed tables.

    from deca.deca_data.stores import memory_deca_data     # or sqlite_deca_data(path), mongo_deca_data(db)

    data = memory_deca_data()
    data.tables.create_table("ws-1", "orders", [TableColumn(name="amount", type="number")])
    data.tables.insert("ws-1", "orders", [{"amount": 12}])
    data.tables.query("ws-1", "orders", where={"amount": {"$gt": 10}})

Node logic finds the bundle in `ctx.services["deca_data"]` (`deca.deca_data.context.data_stores`).
This package module imports nothing itself, so node configs can use `deca.deca_data.columns` cheaply.
"""
